using OmsSync.Engine.MySql.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class ColumnDefaultsTests
{
    [Theory]
    // MariaDB 10.2.7+: already SQL.
    [InlineData("'it''s'", "", "varchar", true, "'it''s'")]
    [InlineData("NULL", "", "int", true, "NULL")]
    [InlineData(null, "", "int", false, null)]
    [InlineData("5", "", "int", false, "5")]
    [InlineData("-1.5e10", "", "double", true, "-1.5e10")]
    [InlineData("b'101'", "", "bit", true, "b'101'")]
    [InlineData("current_timestamp(6)", "on update current_timestamp(6)", "timestamp", false, "current_timestamp(6)")]
    [InlineData("rand()", "", "double", true, "(rand())")]
    [InlineData("(curdate() + interval 1 day)", "", "date", true, "(curdate() + interval 1 day)")]
    [InlineData("'NULL'", "", "varchar", true, "'NULL'")]
    [InlineData("_utf8mb4'x'", "", "varchar", true, "_utf8mb4'x'")]
    public void MariaDbExpressionsAreKept(string? reported, string extra, string type, bool nullable, string? expected) =>
        Assert.Equal(expected, ColumnDefaults.Normalize(reported, extra, type, nullable, false, false, DefaultReporting.SqlExpression));

    [Theory]
    // MySQL, TiDB, OceanBase: raw values.
    [InlineData("it's", "", "varchar", true, "'it''s'")]
    [InlineData("a\\b", "", "varchar", true, "'a\\\\b'")]
    [InlineData("NULL", "", "varchar", true, "'NULL'")]
    [InlineData(null, "", "varchar", true, "NULL")]
    [InlineData(null, "", "varchar", false, null)]
    [InlineData("", "", "varchar", false, "''")]
    [InlineData("5", "", "int", false, "5")]
    [InlineData("1.50", "", "decimal", false, "1.50")]
    [InlineData("2020-01-01 00:00:00", "", "datetime", true, "'2020-01-01 00:00:00'")]
    [InlineData("CURRENT_TIMESTAMP", "DEFAULT_GENERATED", "timestamp", false, "CURRENT_TIMESTAMP")]
    [InlineData("CURRENT_TIMESTAMP(6)", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)", "datetime", false, "CURRENT_TIMESTAMP(6)")]
    [InlineData("CURRENT_TIMESTAMP", "on update CURRENT_TIMESTAMP", "timestamp", false, "CURRENT_TIMESTAMP")]
    [InlineData("rand()", "DEFAULT_GENERATED", "double", true, "(rand())")]
    [InlineData("(curdate() + interval 1 day)", "DEFAULT_GENERATED", "date", true, "(curdate() + interval 1 day)")]
    [InlineData("b'101'", "", "bit", true, "b'101'")]
    [InlineData("a", "", "enum", true, "'a'")]
    [InlineData("5", "", "varchar", true, "'5'")]
    public void MySqlRawValuesBecomeSql(string? reported, string extra, string type, bool nullable, string? expected) =>
        Assert.Equal(expected, ColumnDefaults.Normalize(reported, extra, type, nullable, false, false, DefaultReporting.RawValue));

    [Fact]
    public void GeneratedAndAutoIncrementColumnsHaveNoDefault()
    {
        Assert.Null(ColumnDefaults.Normalize("NULL", "VIRTUAL GENERATED", "int", true, true, false, DefaultReporting.SqlExpression));
        Assert.Null(ColumnDefaults.Normalize(null, "auto_increment", "int", false, false, true, DefaultReporting.RawValue));
    }
}
