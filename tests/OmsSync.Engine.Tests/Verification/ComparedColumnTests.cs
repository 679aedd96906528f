using System.Text;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.MySql.Verification;
using OmsSync.Engine.Postgres.Verification;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql;
using OmsSync.Engine.Postgres;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Verification;
using Xunit;

namespace OmsSync.Engine.Tests.Verification;

public sealed class ComparedColumnTests
{
    private static ColumnSchema Column(string type, string? charset = null, bool nullable = true, string name = "c", string? columnType = null) => new()
    {
        Name = name, Ordinal = 1, DataType = type, ColumnType = columnType ?? type, Charset = charset, Nullable = nullable,
    };

    private static readonly DataSource MariaDb = new() { Name = "m", Kind = DataSourceKind.MariaDb, Server = "127.0.0.1", Port = 3306, User = "u" };
    private static readonly DataSource Postgres = new() { Name = "p", Kind = DataSourceKind.PostgreSql, Server = "127.0.0.1", Port = 5432, User = "u" };

    private static TableComparePlan Plan(ColumnSchema source, ColumnSchema target, bool toPostgres = false, string keyType = "int", string postgresKeyType = "integer")
    {
        var key = Column(keyType, nullable: false, name: "id");
        var table = new TaskTable(new TableMapping { SourceDatabase = "d", SourceTable = "t", TargetDatabase = "d", TargetTable = "t" },
            new TableSchema
            {
                Database = "d", Name = "t", Columns = [key, source],
                Indexes = [new IndexSchema { Name = "PRIMARY", Kind = IndexKind.Primary, Columns = [new IndexColumn("id", null, false)] }],
            }, new CreateTableOptions());
        var targetKey = toPostgres ? Column(postgresKeyType, nullable: false, name: "id") : key;
        var targetSchema = new TableSchema { Database = "d", Name = "t", Columns = [targetKey, target], Indexes = [] };
        IVerificationSide mysql = new MySqlVerificationSide(new MySqlEndpoint(MariaDb, "x"));
        IVerificationSide other = toPostgres ? new PostgresVerificationSide(new PostgresEndpoint(Postgres, "x")) : new MySqlVerificationSide(new MySqlEndpoint(MariaDb, "x"));
        return TableComparePlan.Create(table, targetSchema, mysql, other);
    }

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
    public void ValuesCompareAsBytesExceptFloatingPointAndJson()
    {
        var text = new ComparedColumn(Column("varchar", "utf8mb4"), Column("varchar", "utf8mb4"), ValueForm.Stored);
        Assert.False(text.Same(Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("A"))); // no collation in between
        Assert.True(text.Same(null, null));
        Assert.False(text.Same(null, []));
        var dbl = new ComparedColumn(Column("double"), Column("double"), ValueForm.StoredDouble);
        Assert.True(dbl.Same(Encoding.ASCII.GetBytes("0.30000000000000004"), Encoding.ASCII.GetBytes("0.3")));
        Assert.False(dbl.Same(Encoding.ASCII.GetBytes("0.31"), Encoding.ASCII.GetBytes("0.3")));
        // Across kinds a float is exact, and JSON is the document whatever its layout.
        var exact = new ComparedColumn(Column("double"), Column("double precision"), ValueForm.Float);
        Assert.False(exact.Same(Encoding.ASCII.GetBytes("30000000000000004e0"), Encoding.ASCII.GetBytes("3e0")));
        var json = new ComparedColumn(Column("json"), Column("jsonb"), ValueForm.Json);
        Assert.True(json.Same(Encoding.UTF8.GetBytes("""{"b":1.50,"a":"\u00e9"}"""), Encoding.UTF8.GetBytes("""{"a": "é", "b": 1.5}""")));
        Assert.False(json.Same(Encoding.UTF8.GetBytes("""{"a":[1,2]}"""), Encoding.UTF8.GetBytes("""{"a": [2, 1]}""")));
    }

    [Theory]
    [InlineData("5.5.5-10.11.19-MariaDB-0+deb12u1-log", true)]
    [InlineData("10.8.3-MariaDB", true)]
    [InlineData("11.4.2-MariaDB-log", true)]
    [InlineData("5.5.5-10.6.18-MariaDB", false)]
    [InlineData("8.0.36", false)]
    [InlineData("8.4.0-commercial", false)]
    public void Crc32CIsCountedOnFromMariaDb108(string serverVersion, bool has) =>
        Assert.Equal(has, MySqlVerificationSide.HasCrc32C(serverVersion));

    [Fact]
    public void HashInputsAreUnambiguous()
    {
        // UTF-8 text and numbers never hold 0xFE or 0xFF: hashed as they are, NULL marked. Other bytes add their length.
        var utf8 = Plan(Column("varchar", "utf8mb4"), Column("varchar", "utf8mb4"));
        Assert.True(MySqlCompareSql.SeparatorFree(utf8.Columns[1]));
        Assert.Contains("IFNULL(`c`, CAST(X'FE' AS BINARY))", new MySqlCompareSql(utf8, Side.Source).Hash);
        Assert.StartsWith("CAST(CONV(LEFT(SHA1(", new MySqlCompareSql(utf8, Side.Source).Hash); // sides whose CRC32C is not known
        var latin1 = Plan(Column("varchar", "latin1"), Column("varchar", "latin1"));
        Assert.False(MySqlCompareSql.SeparatorFree(latin1.Columns[1]));
        Assert.Contains("IFNULL(LENGTH(`c`), CAST(X'FE' AS BINARY))", new MySqlCompareSql(latin1, Side.Source).Hash);
        Assert.False(MySqlCompareSql.SeparatorFree(Plan(Column("blob", "binary"), Column("blob", "binary")).Columns[1]));
        // A charset that differs between the sides: both compared as utf8mb4.
        var mixed = Plan(Column("varchar", "latin1"), Column("varchar", "utf8mb4"));
        Assert.True(MySqlCompareSql.SeparatorFree(mixed.Columns[1]));
        Assert.Equal("CONVERT(`c` USING utf8mb4)", new MySqlCompareSql(mixed, Side.Source).Values[1]);
        Assert.Equal("CONVERT(`c` USING utf8mb4)", new MySqlCompareSql(mixed, Side.Target).Values[1]);
        Assert.Contains("CONCAT_WS(CAST(X'FF' AS BINARY), `id`,", new MySqlCompareSql(mixed, Side.Target).Hash); // a NOT NULL integer as it is
        Assert.Contains("ROUND", new MySqlCompareSql(Plan(Column("float"), Column("float")), Side.Source).Hash);
    }

    [Fact]
    public void AgainstPostgreSqlBothSidesHashTheSameCanonicalTextWithMd5()
    {
        var plan = Plan(Column("timestamp"), Column("timestamp with time zone"), toPostgres: true);
        Assert.Equal(RowHash.Md5, plan.Hash);
        Assert.Equal([ValueForm.Integer, ValueForm.DateTime], plan.Columns.Select(c => c.Form));
        var mysql = new MySqlCompareSql(plan, Side.Source);
        var pg = new PostgresCompareSql(plan, Side.Target);
        Assert.StartsWith("CAST(CONV(LEFT(MD5(", mysql.Hash);
        Assert.Contains("CAST(CAST(`c` AS DATETIME(6)) AS CHAR)", mysql.Hash);
        Assert.Contains("""to_char(("c" AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS.US')""", pg.Hash);
        Assert.StartsWith("('x' || left(md5(", pg.Hash);
        // A boolean is 1 or 0, a decimal loses its trailing zeros, bytes add their length on both sides.
        Assert.Equal(ValueForm.Decimal, Plan(Column("bigint", columnType: "bigint(20) unsigned"), Column("numeric", columnType: "numeric(20,0)"), toPostgres: true).Columns[1].Form);
        var bytes = Plan(Column("varbinary"), Column("bytea"), toPostgres: true);
        Assert.Contains("IFNULL(CAST(LENGTH(`c`) AS CHAR)", new MySqlCompareSql(bytes, Side.Source).Hash);
        Assert.Contains("""convert_to(length("c")::text, 'UTF8')""", new PostgresCompareSql(bytes, Side.Target).Hash);
        // Keys whose text does not read back the same on both sides are not matched by: such a table is a multiset.
        Assert.True(Plan(Column("double"), Column("double precision"), toPostgres: true).HasKey);
        Assert.False(Plan(Column("int"), Column("integer"), toPostgres: true, keyType: "double", postgresKeyType: "double precision").HasKey);
    }

    [Theory]
    [InlineData("1.50", "15e-1")]
    [InlineData("15e-1", "15e-1")]
    [InlineData("0.15E1", "15e-1")]
    [InlineData("100", "1e2")]
    [InlineData("-0.0", "0")]
    [InlineData("-12300e-2", "-123e0")]
    public void JsonNumbersCompareByValue(string raw, string canonical) => Assert.Equal(canonical, JsonValues.Number(raw));
}
