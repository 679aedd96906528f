using System.Text;
using OmsSync.Engine.Postgres.Copy;
using Xunit;

namespace OmsSync.Engine.Tests.Postgres.Copy;

/// <summary>MySQL value text turned into PostgreSQL's binary COPY fields, byte for byte as the receive functions read them.</summary>
public sealed class BinaryFieldTests
{
    private static string Hex(PostgresFieldKind kind, string text) => Hex(kind, Encoding.UTF8.GetBytes(text));

    private static string Hex(PostgresFieldKind kind, byte[] bytes, uint srid = 0)
    {
        var into = new byte[PostgresBinaryField.MaxLength(kind, bytes.Length)];
        var written = PostgresBinaryField.Encode(kind, bytes, into, srid);
        return Convert.ToHexString(into, 0, written);
    }

    // ndigits, weight, sign, dscale, then base-10000 groups
    [Theory]
    [InlineData("12345.678", "000300010000000300010929" + "1A7C")]
    [InlineData("-0.00001", "0001FFFE40000005" + "03E8")]
    [InlineData("0.00", "0000000000000002")]
    [InlineData("-0", "0000000000000000")]
    [InlineData("10000", "0001000100000000" + "0001")]
    [InlineData("18446744073709551615", "0005000400000000" + "0734" + "1A58" + "02E1" + "03BB" + "064F")]
    [InlineData("1.5000", "0002000000000004" + "0001" + "1388")]
    public void DecimalTextBecomesNumericGroups(string text, string expected) =>
        Assert.Equal(expected, Hex(PostgresFieldKind.Numeric, text));

    [Theory]
    [InlineData("Int16", "-32768", "8000")]
    [InlineData("Int32", "16777215", "00FFFFFF")]
    [InlineData("Int64", "-9223372036854775808", "8000000000000000")]
    [InlineData("Float8", "0.30000000000000004", "3FD3333333333334")]
    [InlineData("Float4", "-3.4028234663852886e38", "FF7FFFFF")]
    [InlineData("Date", "2000-01-01", "00000000")]
    [InlineData("Date", "1999-12-31", "FFFFFFFF")]
    [InlineData("Date", "-infinity", "80000000")]
    [InlineData("Timestamp", "2000-01-02 00:00:00.5", "000000141DDF0120")]
    [InlineData("Timestamp", "-infinity", "8000000000000000")]
    [InlineData("Time", "24:00:00", "000000141DD76000")]
    [InlineData("Time", "00:00:00.000001", "0000000000000001")]
    [InlineData("BitString", "101", "00000003A0")]
    [InlineData("BitString", "", "00000000")]
    [InlineData("Uuid", "123e4567-e89b-12d3-a456-426614174000", "123E4567E89B12D3A456426614174000")]
    [InlineData("Jsonb", "[]", "015B5D")]
    [InlineData("Bytes", "é", "C3A9")]
    // ndim, no nulls, text's OID 25, then the one dimension's length and lower bound, and each member's length and bytes
    [InlineData("TextArray", "", "000000000000000000000019")]
    [InlineData("TextArray", "x", "00000001000000000000001900000001000000010000000178")]
    [InlineData("TextArray", "a,é,", "0000000100000000000000190000000300000001" + "0000000161" + "00000002C3A9" + "00000000")]
    public void TextBecomesTheTypesBinaryForm(string kind, string text, string expected) =>
        Assert.Equal(expected, Hex(Enum.Parse<PostgresFieldKind>(kind), text));

    [Theory]
    [InlineData("Date", "2024-00-10", "no such date")]
    [InlineData("Date", "0000-01-01", "no such date")]
    [InlineData("Date", "2023-02-29", "no such date")]
    [InlineData("Timestamp", "2024-01-00 10:00:00", "no such date")]
    [InlineData("Time", "24:00:01", "24:00:00")]
    [InlineData("Time", "-00:00:01", "negative")]
    [InlineData("Time", "838:59:59", "24:00:00")]
    [InlineData("Int16", "32768", "outside")]
    [InlineData("Int64", "18446744073709551615", "not an integer")]
    [InlineData("Numeric", "1.2.3", "not a decimal")]
    [InlineData("Uuid", "123e4567", "not a UUID")]
    public void ValuesTheTypeCannotHoldAreRefusedSayingWhy(string kind, string text, string why)
    {
        var error = Assert.Throws<FormatException>(() => Hex(Enum.Parse<PostgresFieldKind>(kind), text));
        Assert.Contains(why, error.Message);
    }

    // MySQL's form is the SRID (little-endian) and the WKB; EWKB flags the type word and puts the SRID after it.
    [Theory]
    [InlineData("E6100000" + "0101000000000000000000F03F0000000000000040", 0u, "0101000020E6100000000000000000F03F0000000000000040")]
    [InlineData("E6100000" + "0101000000000000000000F03F0000000000000040", 4326u, "0101000020E6100000000000000000F03F0000000000000040")]
    [InlineData("00000000" + "010700000000000000", 0u, "010700000000000000")]
    [InlineData("E6100000" + "000000000100000000", 0u, "0020000001000010E600000000")]
    public void MySqlGeometriesBecomeEwkb(string mysql, uint srid, string expected) =>
        Assert.Equal(expected, Hex(PostgresFieldKind.Ewkb, Convert.FromHexString(mysql), srid));

    [Fact]
    public void AGeometryOfAnotherSridThanItsColumnsIsRefused()
    {
        var error = Assert.Throws<FormatException>(() => Hex(PostgresFieldKind.Ewkb, Convert.FromHexString("00000000" + "0101000000000000000000F03F0000000000000040"), 4326));
        Assert.Contains("SRID is 0", error.Message);
    }

    [Theory]
    [InlineData("0A000001", "022000040A000001")]
    [InlineData("00000000000000000000FFFF0A000001", "0380001000000000000000000000FFFF0A000001")]
    public void AddressBytesBecomeInet(string address, string expected) =>
        Assert.Equal(expected, Hex(PostgresFieldKind.Inet, Convert.FromHexString(address)));
}
