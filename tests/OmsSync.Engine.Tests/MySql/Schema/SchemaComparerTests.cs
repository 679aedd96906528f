using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.MySql.Schema;
using Xunit;
using static OmsSync.Engine.Tests.Schema.SampleTables;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class SchemaComparerTests
{
    private static TableSchema With(TableSchema t, IReadOnlyList<ColumnSchema>? columns = null, IReadOnlyList<IndexSchema>? indexes = null) => new()
    {
        Database = t.Database, Name = t.Name, Columns = columns ?? t.Columns, Indexes = indexes ?? t.Indexes, Checks = t.Checks,
        Engine = t.Engine, Charset = t.Charset, Collation = t.Collation, Comment = t.Comment, AutoIncrement = t.AutoIncrement,
    };

    [Fact]
    public void IdenticalTablesHaveNoDifferences() => Assert.Empty(SchemaComparer.Compare(Orders(), Orders()));

    [Fact]
    public void MissingTableIsNotBlocking()
    {
        var d = Assert.Single(SchemaComparer.Compare(Orders(), null));
        Assert.Equal(SchemaDifferenceKind.MissingTable, d.Kind);
        Assert.False(d.Blocking);
    }

    [Fact]
    public void MissingColumnIsBlockingAndSaysHowToAddIt()
    {
        var actual = With(Orders(), Orders().Columns.Where(c => c.Name != "note").ToList());
        var d = Assert.Single(SchemaComparer.Compare(Orders(), actual));
        Assert.Equal(SchemaDifferenceKind.MissingColumn, d.Kind);
        Assert.True(d.Blocking);
        Assert.Equal("note", d.Column);
        Assert.Contains("Table `shop`.`orders`, column `note`: missing on the target (expected varchar(100))", d.Message);
        Assert.Contains("ALTER TABLE `shop`.`orders` ADD COLUMN `note` varchar(100)", d.Message);
        var e = Assert.Throws<SchemaException>(() => SchemaComparer.EnsureCompatible(Orders(), actual));
        Assert.Contains("column `note`", e.Message);
    }

    [Fact]
    public void ExtraNotNullColumnWithoutDefaultIsBlocking()
    {
        var actual = With(Orders(), [.. Orders().Columns, Column("required", "int(11)", nullable: false), Column("optional", "int(11)"), Column("defaulted", "int(11)", nullable: false, defaultSql: "0")]);
        var differences = SchemaComparer.Compare(Orders(), actual);
        Assert.Equal(3, differences.Count);
        Assert.All(differences, d => Assert.Equal(SchemaDifferenceKind.ExtraColumn, d.Kind));
        var blocking = Assert.Single(differences, d => d.Blocking);
        Assert.Equal("required", blocking.Column);
        Assert.Contains("NOT NULL without a default", blocking.Message);
    }

    [Fact]
    public void DifferentTypeIsBlockingUnlessTheTargetHoldsEveryValue()
    {
        var narrower = With(Orders(), Orders().Columns.Select(c => c.Name == "customer" ? Column("customer", "smallint(6)", nullable: false, ordinal: 2) : c).ToList());
        var d = Assert.Single(SchemaComparer.Compare(Orders(), narrower));
        Assert.Equal(SchemaDifferenceKind.TypeMismatch, d.Kind);
        Assert.True(d.Blocking);
        Assert.Contains("is smallint(6) on the target but int(11) on the source", d.Message);

        var wider = With(Orders(), Orders().Columns.Select(c => c.Name == "customer" ? Column("customer", "bigint", nullable: false, ordinal: 2) : c).ToList());
        d = Assert.Single(SchemaComparer.Compare(Orders(), wider));
        Assert.False(d.Blocking);
    }

    [Fact]
    public void DisplayWidthDoesNotMatter()
    {
        var mysql8 = With(Orders(), Orders().Columns.Select(c => c.Name == "customer" ? Column("customer", "int", nullable: false, ordinal: 2) : c).ToList());
        Assert.Empty(SchemaComparer.Compare(Orders(), mysql8));
    }

    [Fact]
    public void NotNullOnTheTargetForANullableSourceColumnIsBlocking()
    {
        var actual = With(Orders(), Orders().Columns.Select(c => c.Name == "body" ? Column("body", "text", nullable: false) : c).ToList());
        var d = Assert.Single(SchemaComparer.Compare(Orders(), actual), x => x.Kind == SchemaDifferenceKind.NullabilityMismatch);
        Assert.True(d.Blocking);
    }

    [Fact]
    public void DifferentPrimaryKeyIsBlocking()
    {
        var actual = With(Orders(), indexes: [Index("PRIMARY", IndexKind.Primary, "customer")]);
        var d = Assert.Single(SchemaComparer.Compare(Orders(), actual));
        Assert.Equal(SchemaDifferenceKind.PrimaryKeyMismatch, d.Kind);
        Assert.Contains("PRIMARY KEY (`customer`) on the target, expected (`id`)", d.Message);
        d = Assert.Single(SchemaComparer.Compare(Orders(), With(Orders(), indexes: [])));
        Assert.Contains("has no primary key", d.Message);
    }

    [Fact]
    public void NarrowerCharsetIsBlocking()
    {
        var actual = With(Orders(), Orders().Columns.Select(c => c.Name == "note"
            ? new ColumnSchema { Name = "note", Ordinal = 3, DataType = "varchar", ColumnType = "varchar(100)", Nullable = true, Charset = "latin1" } : c).ToList());
        var d = Assert.Single(SchemaComparer.Compare(Orders(), actual));
        Assert.Equal(SchemaDifferenceKind.CharsetMismatch, d.Kind);
        Assert.True(d.Blocking);
    }

    [Fact]
    public void GeneratedOnTheTargetIsBlocking()
    {
        var actual = With(Orders(), Orders().Columns.Select(c => c.Name == "customer"
            ? new ColumnSchema { Name = "customer", Ordinal = 2, DataType = "int", ColumnType = "int(11)", GenerationExpression = "1" } : c).ToList());
        Assert.Contains(SchemaComparer.Compare(Orders(), actual), d => d.Kind == SchemaDifferenceKind.GeneratedMismatch && d.Blocking);
    }

    [Theory]
    [InlineData("int", "bigint", true)]
    [InlineData("int unsigned", "bigint", true)]
    [InlineData("int unsigned", "int", false)]
    [InlineData("int", "int unsigned", false)]
    [InlineData("varchar(10)", "varchar(20)", true)]
    [InlineData("varchar(20)", "varchar(10)", false)]
    [InlineData("char(10)", "varchar(10)", true)]
    [InlineData("varchar(10)", "char(10)", false)]
    [InlineData("varchar(100)", "text", true)]
    [InlineData("varchar(20000)", "text", false)]
    [InlineData("text", "longtext", true)]
    [InlineData("longblob", "blob", false)]
    [InlineData("decimal(10,2)", "decimal(12,4)", true)]
    [InlineData("decimal(10,2)", "decimal(10,4)", false)]
    [InlineData("float", "double", true)]
    [InlineData("datetime(3)", "datetime(6)", true)]
    [InlineData("datetime(6)", "datetime", false)]
    [InlineData("date", "datetime", false)]
    [InlineData("enum('a','b')", "enum('a','b','c')", false)]
    public void CanHold(string source, string target, bool expected) => Assert.Equal(expected, SchemaComparer.CanHold(source, target));

    [Fact]
    public void TargetSchemaAppliesNamesAndSubset()
    {
        var t = TargetSchema.For(Orders(), new CreateTableOptions { TargetDatabase = "x", TargetTable = "y", Columns = ["id", "total"] });
        Assert.Equal(("x", "y"), (t.Database, t.Name));
        Assert.Equal(["id", "total"], t.Columns.Select(c => c.Name));
        Assert.Equal(["PRIMARY"], t.Indexes.Select(i => i.Name));
        Assert.Equal(["positive"], t.Checks.Select(c => c.Name));
    }
}
