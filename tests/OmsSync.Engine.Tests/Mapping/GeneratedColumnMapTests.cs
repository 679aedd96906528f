using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Runtime;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>
/// Generated columns between MySQL and PostgreSQL: untranslated ones are plain columns of the mapped type, moved by every phase and
/// named by a warning; translated ones are generated on the target, moved by none, named by a passing line.
/// </summary>
public sealed class GeneratedColumnMapTests
{
    private static ColumnSchema Column(string name, int ordinal, string dataType, string columnType, string? generation = null, bool stored = false) => new()
    {
        Name = name, Ordinal = ordinal, DataType = dataType, ColumnType = columnType, Nullable = true, GenerationExpression = generation, GeneratedStored = stored,
        Comment = name == "id" ? null : "kept",
    };

    private static TableSchema Table(string database, params ColumnSchema[] columns) => new()
    {
        Database = database, Name = "trips", Columns = columns, Comment = "trips",
        Indexes = [new IndexSchema { Name = "PRIMARY", Kind = IndexKind.Primary, Columns = [new IndexColumn("id", null)] }],
    };

    private static TaskTable Task(TableSchema schema, IReadOnlyList<string>? columns = null) => new(
        new TableMapping { SourceDatabase = schema.Database, SourceTable = schema.Name, TargetDatabase = "t", TargetTable = schema.Name, Columns = columns },
        schema, new CreateTableOptions { Columns = columns });

    private static readonly TableSchema MySqlTrips = Table("shop",
        Column("id", 1, "int", "int(11)"),
        Column("hours", 2, "decimal", "decimal(10,2)", "round(`length` / 60,2)", stored: true),
        Column("slug", 3, "varchar", "varchar(200)", "concat(lower(`title`),'-',`id`)"));

    private static readonly TableSchema PostgresTrips = Table("public",
        Column("id", 1, "integer", "integer"),
        Column("hours", 2, "numeric", "numeric", "round(((length)::numeric / 60.0), 2)", stored: true),
        Column("body_chars", 3, "integer", "integer", "length(body)", stored: true));

    [Fact]
    public void MySqlGeneratedColumnsBecomePlainPostgreSqlColumnsOfTheirType()
    {
        var problems = new List<string>();
        var mapped = MySqlToPostgres.Map(MySqlTrips, problems, postGis: false);
        Assert.Empty(problems);
        Assert.Equal(["integer", "numeric(10,2)", "character varying(200)"], mapped.Columns.Select(c => c.ColumnType));
        Assert.All(mapped.Columns, c => Assert.False(c.IsGenerated));
    }

    [Fact]
    public void PostgreSqlGeneratedColumnsBecomePlainMySqlColumnsOfTheirType()
    {
        var problems = new List<string>();
        var mapped = PostgresToMySql.Map(PostgresTrips, DataSourceKind.MariaDb, problems);
        Assert.Empty(problems);
        Assert.Equal(["int", "decimal(65,30)", "int"], mapped.Columns.Select(c => c.ColumnType));
        Assert.All(mapped.Columns, c => Assert.False(c.IsGenerated));
        Assert.DoesNotContain("GENERATED", MySqlDdlWriter.ColumnDefinition(mapped.Column("hours")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CarriedTablesMoveTheirGeneratedColumnsAndKeepTheRest()
    {
        var carried = GeneratedColumns.Carried(MySqlTrips, DataSourceKind.MariaDb);
        Assert.Equal(["id", "hours", "slug"], FullLoad.MovingColumns.Of(carried, Task(carried).Mapping).Select(c => c.Name));
        Assert.Equal(["id"], FullLoad.MovingColumns.Of(MySqlTrips, Task(MySqlTrips).Mapping).Select(c => c.Name));
        var hours = carried.Column("hours");
        Assert.Equal(("decimal", "decimal(10,2)", true, "kept"), (hours.DataType, hours.ColumnType, hours.Nullable, hours.Comment));
        Assert.Equal(("shop", "trips", "trips", "PRIMARY"), (carried.Database, carried.Name, carried.Comment, carried.Indexes.Single().Name));
        var plain = Table("shop", Column("id", 1, "int", "int(11)"));
        Assert.Same(plain, GeneratedColumns.Carried(plain, DataSourceKind.MariaDb));
    }

    [Fact]
    public void EachMovedGeneratedColumnIsNamedWithItsExpression()
    {
        var mysql = GeneratedColumns.Report(Task(MySqlTrips), DataSourceKind.MariaDb).ToList();
        Assert.Equal(2, mysql.Count);
        Assert.False(mysql[0].Translated);
        Assert.Contains("Table `shop`.`trips`, column `hours`: generated column (STORED, round(`length` / 60,2)) is not translated (it divides", mysql[0].Message);
        Assert.Contains("becomes a plain column on the PostgreSQL side", mysql[0].Message);
        Assert.Contains("column `slug`: generated column (VIRTUAL, concat(lower(`title`),'-',`id`)) is not translated (it calls lower()", mysql[1].Message);
        var postgres = GeneratedColumns.Report(Task(PostgresTrips, ["id", "hours"]), DataSourceKind.PostgreSql).ToList();
        var hours = Assert.Single(postgres);
        Assert.False(hours.Translated);
        Assert.Contains("Table \"public\".\"trips\", column \"hours\": generated column (STORED, round(((length)::numeric / 60.0), 2)) is not translated (it divides", hours.Message);
    }

    private static readonly TableSchema PostgresOrders = Table("public",
        Column("id", 1, "integer", "integer"),
        Column("price", 2, "numeric", "numeric(10,2)"),
        Column("qty", 3, "integer", "integer"),
        Column("total", 4, "numeric", "numeric(12,2)", "(price * (qty)::numeric)", stored: true),
        Column("note", 5, "text", "text"),
        Column("note_chars", 6, "integer", "integer", "length(note)", stored: true));

    [Fact]
    public void TranslatedColumnsStayGeneratedUnmovedButComparedAndAreGeneratedOnTheTarget()
    {
        var carried = GeneratedColumns.Carried(PostgresOrders, DataSourceKind.PostgreSql);
        var mapping = Task(carried).Mapping;
        Assert.Equal(["id", "price", "qty", "note", "note_chars"], FullLoad.MovingColumns.Of(carried, mapping).Select(c => c.Name));
        Assert.Equal(["id", "price", "qty", "total", "note", "note_chars"], FullLoad.MovingColumns.Compared(carried, mapping).Select(c => c.Name));
        Assert.Equal("(`price` * cast(`qty` as decimal(65,0)))", carried.Column("total").TargetGeneration);
        Assert.False(carried.Column("note_chars").IsGenerated);

        var mapped = PostgresToMySql.Map(carried, DataSourceKind.MariaDb, []);
        Assert.Equal("`total` decimal(12,2) GENERATED ALWAYS AS ((`price` * cast(`qty` as decimal(65,0)))) STORED COMMENT 'kept'", MySqlDdlWriter.ColumnDefinition(mapped.Column("total")));
        Assert.False(mapped.Column("note_chars").IsGenerated);

        // A column the task leaves out cannot feed the target's expression.
        var narrowed = GeneratedColumns.Carried(PostgresOrders, DataSourceKind.PostgreSql, new HashSet<string> { "id", "price", "total" });
        Assert.Null(narrowed.Column("total").TargetGeneration);
        Assert.False(narrowed.Column("total").IsGenerated);
        var report = GeneratedColumns.Report(Task(PostgresOrders, ["id", "price", "total"]), DataSourceKind.PostgreSql).Single();
        Assert.False(report.Translated);
        Assert.Contains("it reads column qty, which the task leaves out", report.Message);
        var translated = GeneratedColumns.Report(Task(PostgresOrders), DataSourceKind.PostgreSql).First();
        Assert.True(translated.Translated);
        Assert.Contains("becomes a STORED generated column on the MySQL side computing (`price` * cast(`qty` as decimal(65,0)))", translated.Message);
    }

    [Fact]
    public void TranslatedMySqlColumnsAreStoredGeneratedPostgreSqlColumns()
    {
        var mysql = Table("shop",
            Column("id", 1, "int", "int(11)"),
            Column("a", 2, "int", "int(11)"),
            Column("a1", 3, "int", "int(11)", "coalesce(`a`,0) + 1"));
        var mapped = MySqlToPostgres.Map(GeneratedColumns.Carried(mysql, DataSourceKind.MariaDb), [], postGis: false);
        var a1 = mapped.Column("a1");
        Assert.Equal("(coalesce((\"a\")::bigint, 0) + 1)", a1.GenerationExpression);
        Assert.Null(a1.DefaultSql);
        Assert.Equal("\"a1\" integer GENERATED ALWAYS AS ((coalesce((\"a\")::bigint, 0) + 1)) STORED", OmsSync.Engine.Postgres.Schema.PostgresDdlWriter.ColumnDefinition(mapped, a1));
    }

    [Fact]
    public void AnExistingPostgreSqlTableMustComputeTheColumnsTheTaskLeavesToIt()
    {
        var mysql = Table("shop", Column("id", 1, "int", "int(11)"), Column("a", 2, "int", "int(11)"), Column("a1", 3, "int", "int(11)", "coalesce(`a`,0) + 1"));
        var expected = MySqlToPostgres.Map(GeneratedColumns.Carried(mysql, DataSourceKind.MariaDb), [], postGis: false);
        // As read back from the table schema migration made: the expression as PostgreSQL prints it.
        var made = Table("shop", Column("id", 1, "integer", "integer"), Column("a", 2, "integer", "integer"),
            Column("a1", 3, "integer", "integer", "(COALESCE((a)::bigint, (0)::bigint) + 1)", stored: true));
        Assert.Empty(OmsSync.Engine.Postgres.Schema.PostgresSchemaComparer.BlockingDifferences(expected, made));
        var plain = Table("shop", Column("id", 1, "integer", "integer"), Column("a", 2, "integer", "integer"), Column("a1", 3, "integer", "integer"));
        Assert.Contains("column \"a1\": is a plain column on the target, but the task has PostgreSQL compute it",
            Assert.Single(OmsSync.Engine.Postgres.Schema.PostgresSchemaComparer.BlockingDifferences(expected, plain)));
    }
}
