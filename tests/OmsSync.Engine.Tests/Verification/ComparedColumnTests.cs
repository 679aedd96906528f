using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using Xunit;

namespace OmsSync.Engine.Tests.Verification;

public sealed class ComparedColumnTests
{
    private static ColumnSchema Column(string type, string? charset = null, bool nullable = true) => new()
    {
        Name = "c", Ordinal = 1, DataType = type, ColumnType = type, Charset = charset, Nullable = nullable,
    };

    [Theory]
    [InlineData(0.30000000000000004, 0.3, 15, true)]
    [InlineData(0.1234567, 0.1234568, 6, true)]
    [InlineData(0.1234567, 0.1234667, 6, false)]
    [InlineData(1e300, 1.000000000000001e300, 15, true)]
    [InlineData(-2.5, 2.5, 15, false)]
    [InlineData(0.0, 1e-300, 15, false)]
    [InlineData(0.0, -0.0, 15, true)]
    public void FloatsAgreeToTheirSignificantDigits(double a, double b, int digits, bool same) =>
        Assert.Equal(same, ComparedColumn.SameToDigits(a, b, digits));

    [Fact]
    public void ValuesCompareAsBytesExceptFloatingPoint()
    {
        var text = ComparedColumn.For(Column("varchar", "utf8mb4"), Column("varchar", "utf8mb4"));
        Assert.False(text.Same(Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("A"))); // no collation in between
        Assert.True(text.Same(null, null));
        Assert.False(text.Same(null, []));
        var dbl = ComparedColumn.For(Column("double"), Column("double"));
        Assert.True(dbl.Same(Encoding.ASCII.GetBytes("0.30000000000000004"), Encoding.ASCII.GetBytes("0.3")));
        Assert.False(dbl.Same(Encoding.ASCII.GetBytes("0.31"), Encoding.ASCII.GetBytes("0.3")));
    }

    [Fact]
    public void HashInputsAreUnambiguous()
    {
        // UTF-8 text and numbers never hold 0xFE or 0xFF: hashed as they are, NULL marked. Other bytes add their length.
        var utf8 = ComparedColumn.For(Column("varchar", "utf8mb4"), Column("varchar", "utf8mb4"));
        Assert.True(utf8.SeparatorFree);
        Assert.Equal("IFNULL(`c`, CAST(X'FE' AS BINARY))", utf8.HashElement(Side.Source));
        Assert.Null(utf8.LengthMarker(Side.Source));
        var latin1 = ComparedColumn.For(Column("varchar", "latin1"), Column("varchar", "latin1"));
        Assert.False(latin1.SeparatorFree);
        Assert.Equal("IFNULL(LENGTH(`c`), CAST(X'FE' AS BINARY))", latin1.LengthMarker(Side.Source));
        var blob = ComparedColumn.For(Column("blob", "binary"), Column("blob", "binary"));
        Assert.False(blob.SeparatorFree);
        // A charset that differs between the sides: both compared as utf8mb4.
        var mixed = ComparedColumn.For(Column("varchar", "latin1"), Column("varchar", "utf8mb4"));
        Assert.True(mixed.SeparatorFree);
        Assert.Equal("CONVERT(`c` USING utf8mb4)", mixed.SourceValue);
        Assert.Equal("CONVERT(`c` USING utf8mb4)", mixed.TargetValue);
        var notNullInt = ComparedColumn.For(Column("int", nullable: false), Column("int", nullable: false));
        Assert.Equal("`c`", notNullInt.HashElement(Side.Target));
        Assert.Contains("ROUND", ComparedColumn.For(Column("float"), Column("float")).HashElement(Side.Source));
    }
}
