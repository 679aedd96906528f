using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Schema;
using Xunit;
using static OmsSync.Engine.Tests.Schema.SampleTables;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class TypeSupportTests
{
    [Theory]
    [InlineData("int")]
    [InlineData("decimal")]
    [InlineData("json")]
    [InlineData("geometrycollection")]
    [InlineData("enum")]
    [InlineData("bit")]
    public void CommonTypesAreSupportedEverywhere(string type)
    {
        foreach (var kind in new[] { DataSourceKind.MySql, DataSourceKind.MariaDb, DataSourceKind.TiDb, DataSourceKind.OceanBaseMySql })
            Assert.True(TypeSupport.IsSupported(type, kind));
    }

    [Fact]
    public void MariaDbTypesGoOnlyToMariaDb()
    {
        Assert.True(TypeSupport.IsSupported("inet6", DataSourceKind.MariaDb));
        Assert.False(TypeSupport.IsSupported("uuid", DataSourceKind.MySql));
    }

    [Fact]
    public void UnsupportedColumnsAreNamed()
    {
        var table = new TableSchema
        {
            Database = "d", Name = "t", Indexes = [],
            Columns = [Column("id", "int(11)"), Column("addr", "inet6"), Column("v", "vector(3)")],
        };
        var problems = TypeSupport.Check(table, DataSourceKind.MySql);
        Assert.Equal(2, problems.Count);
        Assert.Equal("Table `d`.`t`, column `addr`: type inet6 exists only in MariaDB and cannot be migrated to MySql. Exclude the column or the table, or migrate to MariaDB.", problems[0]);
        Assert.StartsWith("Table `d`.`t`, column `v`: type vector(3) is not supported for migration.", problems[1]);
        Assert.Throws<SchemaException>(() => TypeSupport.EnsureSupported(table, DataSourceKind.MySql));
        Assert.Single(TypeSupport.Check(table, DataSourceKind.MariaDb));
    }
}
