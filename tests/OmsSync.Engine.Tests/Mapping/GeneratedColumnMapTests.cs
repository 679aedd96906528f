using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Runtime;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>Generated columns between MySQL and PostgreSQL: plain columns of the mapped type, moved by every phase, named by a warning.</summary>
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
        var carried = GeneratedColumns.Carried(MySqlTrips);
        Assert.Equal(["id", "hours", "slug"], FullLoad.MovingColumns.Of(carried, Task(carried).Mapping).Select(c => c.Name));
        Assert.Equal(["id"], FullLoad.MovingColumns.Of(MySqlTrips, Task(MySqlTrips).Mapping).Select(c => c.Name));
        var hours = carried.Column("hours");
        Assert.Equal(("decimal", "decimal(10,2)", true, "kept"), (hours.DataType, hours.ColumnType, hours.Nullable, hours.Comment));
        Assert.Equal(("shop", "trips", "trips", "PRIMARY"), (carried.Database, carried.Name, carried.Comment, carried.Indexes.Single().Name));
        var plain = Table("shop", Column("id", 1, "int", "int(11)"));
        Assert.Same(plain, GeneratedColumns.Carried(plain));
    }

    [Fact]
    public void EachMovedGeneratedColumnIsNamedWithItsExpression()
    {
        var mysql = GeneratedColumns.Warnings(Task(MySqlTrips), DataSourceKind.MariaDb).ToList();
        Assert.Equal(2, mysql.Count);
        Assert.Contains("Table `shop`.`trips`, column `hours`: generated column (STORED, round(`length` / 60,2)) becomes a plain column on the PostgreSQL side", mysql[0]);
        Assert.Contains("column `slug`: generated column (VIRTUAL, concat(lower(`title`),'-',`id`))", mysql[1]);
        var postgres = GeneratedColumns.Warnings(Task(PostgresTrips, ["id", "hours"]), DataSourceKind.PostgreSql).ToList();
        Assert.Contains("Table \"public\".\"trips\", column \"hours\": generated column (STORED, round(((length)::numeric / 60.0), 2)) becomes a plain column on the MySQL side",
            Assert.Single(postgres));
    }
}
