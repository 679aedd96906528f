using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>Which generated-column expressions are translated between PostgreSQL and MySQL, into what, and why the others are not.</summary>
public sealed class GenerationTranslatorTests
{
    private static ColumnSchema Column(string name, string dataType, string columnType, string? generation = null) => new()
    {
        Name = name, Ordinal = 0, DataType = dataType, ColumnType = columnType, Nullable = true, GenerationExpression = generation, GeneratedStored = generation is not null,
    };

    private static readonly ColumnSchema[] PostgresColumns =
    [
        Column("id", "integer", "integer"), Column("qty", "integer", "integer"), Column("a", "integer", "integer"), Column("big", "bigint", "bigint"),
        Column("length", "integer", "integer"), Column("price", "numeric", "numeric(10,2)"), Column("free", "numeric", "numeric"),
        Column("ratio", "double precision", "double precision"), Column("first_name", "text", "text"),
        Column("last_name", "character varying", "character varying(20)"), Column("code", "character", "character(4)"),
        Column("at", "timestamp without time zone", "timestamp(6) without time zone"),
    ];

    private static readonly ColumnSchema[] MySqlColumns =
    [
        Column("id", "int", "int(11)"), Column("qty", "int", "int(11)"), Column("a", "int", "int(11)"), Column("u", "int", "int(10) unsigned"),
        Column("length", "int", "int(11)"), Column("price", "decimal", "decimal(10,2)"), Column("ratio", "double", "double"),
        Column("first_name", "varchar", "varchar(20)"), Column("last_name", "varchar", "varchar(20)"), Column("code", "char", "char(4)"),
        Column("raw", "varbinary", "varbinary(10)"),
    ];

    private static string? ToMySql(string expression, string dataType, string columnType, out string reason) =>
        GenerationTranslator.ToMySql(new TableSchema { Database = "public", Name = "t", Columns = PostgresColumns, Indexes = [] }, Column("g", dataType, columnType, expression), null, out reason);

    private static string? ToPostgres(string expression, string dataType, string columnType, out string reason) =>
        GenerationTranslator.ToPostgres(new TableSchema { Database = "shop", Name = "t", Columns = MySqlColumns, Indexes = [] }, Column("g", dataType, columnType, expression), null, out reason);

    [Theory]
    [InlineData("(price * (qty)::numeric)", "numeric", "numeric(12,2)", "(`price` * cast(`qty` as decimal(65,0)))")]
    [InlineData("((first_name || ' '::text) || (last_name)::text)", "text", "text", "concat(`first_name`, ' ', `last_name`)")]
    [InlineData("(COALESCE(a, 0) + 1)", "integer", "integer", "(coalesce(`a`, 0) + 1)")]
    [InlineData("(((- a) * (2)::bigint) - 3)", "bigint", "bigint", "(((-`a`) * 2) - 3)")]
    [InlineData("round(price, 1)", "numeric", "numeric(10,1)", "round(`price`, 1)")]
    [InlineData("abs(big)", "bigint", "bigint", "abs(`big`)")]
    [InlineData("(price + 0.125)", "numeric", "numeric(12,3)", "(`price` + 0.125)")]
    [InlineData("((first_name || 'it''s'::text))", "character varying", "character varying(40)", "concat(`first_name`, 'it''s')")]
    // An integer result fits a decimal column exactly.
    [InlineData("(a + 1)", "numeric", "numeric(10,2)", "(`a` + 1)")]
    public void PostgreSqlExpressionsInTheSubsetBecomeMySql(string expression, string dataType, string columnType, string expected)
    {
        Assert.Equal(expected, ToMySql(expression, dataType, columnType, out var reason));
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("round(((length)::numeric / 60.0), 2)", "numeric", "numeric", "it divides")]
    [InlineData("round(((length)::numeric / 60.0), 2)", "numeric", "numeric(10,2)", "it divides")]
    [InlineData("(a % 7)", "integer", "integer", "remainder")]
    [InlineData("(ratio * (2)::double precision)", "double precision", "double precision", "ratio of type double precision")]
    [InlineData("lower(first_name)", "text", "text", "it calls lower()")]
    [InlineData("upper((last_name)::text)", "text", "text", "it calls upper()")]
    [InlineData("length(first_name)", "integer", "integer", "it calls length()")]
    [InlineData("(price * price)", "numeric", "numeric(12,2)", "up to 4 decimal places, more than the column's 2")]
    [InlineData("(price + 1)", "integer", "integer", "is not exactly what the column's type integer holds")]
    [InlineData("(free + 1)", "numeric", "numeric(70,2)", "free of type numeric")]
    [InlineData("((a)::text || first_name)", "text", "text", "cast to text may change a value")]
    [InlineData("((price)::integer + 1)", "integer", "integer", "cast to integer may change a value")]
    [InlineData("((code)::text || first_name)", "text", "text", "code of type character(4)")]
    [InlineData("(at + '1 day'::interval)", "timestamp without time zone", "timestamp(6) without time zone", "at of type timestamp")]
    [InlineData("(first_name || 'é'::text)", "text", "text", "beyond printable ASCII")]
    [InlineData("(first_name || (qty)::text)", "text", "text", "may change a value")]
    [InlineData("(a + nope)", "integer", "integer", "nope, which is not a column")]
    [InlineData("CASE WHEN (a > 0) THEN a ELSE 0 END", "integer", "integer", "syntax outside the subset")]
    [InlineData("(price * 1.5e3)", "numeric", "numeric(12,2)", "syntax outside the subset")]
    [InlineData("round(price, a)", "numeric", "numeric(10,2)", "rounds to places other than a literal")]
    public void PostgreSqlExpressionsOutsideTheSubsetAreRefusedWithTheReason(string expression, string dataType, string columnType, string why)
    {
        Assert.Null(ToMySql(expression, dataType, columnType, out var reason));
        Assert.Contains(why, reason);
    }

    [Theory]
    [InlineData("`price` * `qty`", "decimal", "decimal(12,2)", "(\"price\" * (\"qty\")::bigint)")]
    [InlineData("concat(`first_name`,' ',`last_name`)", "varchar", "varchar(50)", "(\"first_name\" || ' '::text || \"last_name\")")]
    [InlineData("concat(`first_name`,_utf8mb4' ',`last_name`)", "varchar", "varchar(50)", "(\"first_name\" || ' '::text || \"last_name\")")]
    [InlineData("coalesce(`a`,0) + 1", "int", "int(11)", "(coalesce((\"a\")::bigint, 0) + 1)")]
    [InlineData("-`a` * 2 - 3", "bigint", "bigint(20)", "(((-(\"a\")::bigint) * 2) - 3)")]
    [InlineData("round(`price`,1)", "decimal", "decimal(10,1)", "round(\"price\", 1)")]
    [InlineData("cast(`a` as signed)", "bigint", "bigint(20)", "(\"a\")::bigint")]
    [InlineData("abs(`a`)", "int", "int(11)", "abs((\"a\")::bigint)")]
    public void MySqlExpressionsInTheSubsetBecomePostgreSql(string expression, string dataType, string columnType, string expected)
    {
        Assert.Equal(expected, ToPostgres(expression, dataType, columnType, out var reason));
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("round(`length` / 60,2)", "decimal", "decimal(10,2)", "it divides")]
    [InlineData("`length` DIV 60", "int", "int(11)", "syntax outside the subset")]
    [InlineData("`a` || `qty`", "int", "int(11)", "syntax outside the subset")]
    [InlineData("concat(`first_name`,`qty`)", "varchar", "varchar(50)", "concatenates values other than text")]
    [InlineData("concat(lower(`first_name`),'-')", "varchar", "varchar(50)", "it calls lower()")]
    [InlineData("ifnull(`a`,0)", "int", "int(11)", "it calls ifnull()")]
    [InlineData("`u` + 1", "bigint", "bigint(20)", "u of type int(10) unsigned")]
    [InlineData("`ratio` * 2", "double", "double", "ratio of type double")]
    [InlineData("concat(`code`,'x')", "varchar", "varchar(50)", "code of type char(4)")]
    [InlineData("concat(`raw`,'x')", "varchar", "varchar(50)", "raw of type varbinary(10)")]
    [InlineData("cast(`price` as signed)", "bigint", "bigint(20)", "cast to signed may change a value")]
    [InlineData("concat(`first_name`,'a\\'b')", "varchar", "varchar(50)", "syntax outside the subset")]
    [InlineData("`price` * 1.5", "decimal", "decimal(12,2)", "up to 3 decimal places")]
    public void MySqlExpressionsOutsideTheSubsetAreRefusedWithTheReason(string expression, string dataType, string columnType, string why)
    {
        Assert.Null(ToPostgres(expression, dataType, columnType, out var reason));
        Assert.Contains(why, reason);
    }
}
