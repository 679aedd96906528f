using OmsSync.Engine.Conflicts;
using OmsSync.Engine.MySql.Values;
using Xunit;

namespace OmsSync.Engine.Tests.Conflicts;

/// <summary>NewerWins timestamps compare by value whichever side or decoder they come from.</summary>
public sealed class VersionStampTests
{
    [Theory]
    // A decoded DATETIME(6), a MariaDB CAST(... AS CHAR), PostgreSQL's ::text (trailing zeros cut, a zone in a UTC session).
    [InlineData("2024-01-01 10:00:00.500000", "2024-01-01 10:00:00.5")]
    [InlineData("2024-01-01 10:00:00.500000", "2024-01-01 10:00:00.5+00")]
    [InlineData("2024-01-01", "2024-01-01 00:00:00")]
    [InlineData("12.50", "12.5")]
    [InlineData("-0.0", "0")]
    [InlineData("00012", "12")]
    public void TheSameValueWrittenTwoWaysIsEqual(string a, string b) =>
        Assert.Equal(0, VersionStamp.Parse(a).CompareTo(VersionStamp.Parse(b)));

    [Theory]
    [InlineData("2024-01-01 10:00:00.000001", "2024-01-01 10:00:00")]
    [InlineData("2024-01-02", "2024-01-01 23:59:59.999999")]
    [InlineData("2024-01-01 00:00:00", "0000-00-00 00:00:00")]
    [InlineData("10", "9.99")]
    [InlineData("-1", "-2")]
    [InlineData("123456789012345678901234567890.5", "123456789012345678901234567890.25")]
    [InlineData("1e20", "99999999999990000000")]
    public void TheFirstIsNewer(string newer, string older)
    {
        Assert.True(VersionStamp.Parse(newer) > VersionStamp.Parse(older));
        Assert.True(VersionStamp.Parse(older) < VersionStamp.Parse(newer));
    }

    [Fact]
    public void NullIsOlderThanAnything()
    {
        Assert.True(VersionStamp.Null < VersionStamp.Of(long.MinValue));
        Assert.True(VersionStamp.Null < VersionStamp.Parse("0000-00-00"));
        Assert.Equal(0, VersionStamp.Null.CompareTo(VersionStamp.Parse(null)));
    }

    [Fact]
    public void DecodedValuesCompareWithTheServersText()
    {
        Assert.Equal(0, VersionStamp.Of(new MySqlDateTime(2024, 3, 1, 12, 30, 0, 250_000, 6)).CompareTo(VersionStamp.Parse("2024-03-01 12:30:00.25")));
        Assert.Equal(0, VersionStamp.Of(new MySqlTimestamp(1_700_000_000, 5, 6)).CompareTo(VersionStamp.Parse("2023-11-14 22:13:20.000005")));
        Assert.Equal(0, VersionStamp.Of(new MySqlDecimal("100.000")).CompareTo(VersionStamp.Of(100L)));
        Assert.Equal(0, VersionStamp.Of(18_446_744_073_709_551_615UL).CompareTo(VersionStamp.Parse("18446744073709551615")));
        Assert.Equal(0, VersionStamp.Of(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(10)).CompareTo(VersionStamp.Parse("2024-01-01 00:00:00.000001")));
    }

    [Fact]
    public void ADateAgainstANumberIsAMistakeNamedAsSuch() =>
        Assert.Throws<FormatException>(() => VersionStamp.Parse("2024-01-01").CompareTo(VersionStamp.Of(5L)));
}
