using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class SystemVersioningTextTests
{
    private const string Declared = """
        CREATE TABLE `prices` (
          `id` int(11) NOT NULL,
          `price` int(11) DEFAULT NULL,
          `note` varchar(20) DEFAULT 'PERIOD FOR SYSTEM_TIME' WITHOUT SYSTEM VERSIONING,
          `rs` timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE,
          `re` timestamp(6) GENERATED ALWAYS AS ROW END INVISIBLE,
          PRIMARY KEY (`id`,`re`),
          PERIOD FOR SYSTEM_TIME (`rs`, `re`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 WITH SYSTEM VERSIONING
        """;

    [Fact]
    public void ADeclaredPeriodAndTheColumnsKeptOutOfVersioningAreRead()
    {
        Assert.Equal(("rs", "re"), SystemVersioningText.Period(Declared));
        Assert.Equal(["note"], SystemVersioningText.ColumnsWithoutVersioning(Declared));
        Assert.Null(SystemVersioningText.Period("CREATE TABLE `t` (`id` int(11) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB WITH SYSTEM VERSIONING"));
    }

    [Fact]
    public void PartitioningBySystemTimeWaitsForVersioning()
    {
        const string options = "row_format=DYNAMIC PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH (PARTITION p0 HISTORY, PARTITION pn CURRENT)";
        Assert.True(SystemVersioningText.PartitionsBySystemTime(options));
        Assert.Equal("row_format=DYNAMIC", SystemVersioningText.WithoutPartitioning(options));
        Assert.False(SystemVersioningText.PartitionsBySystemTime("PARTITION BY HASH (id) PARTITIONS 4"));
    }

    private static TableSchema Versioned(bool @implicit) => new()
    {
        Database = "d", Name = "prices",
        Versioning = @implicit ? new SystemVersioning("row_start", "row_end", Implicit: true) : new SystemVersioning("rs", "re", Implicit: false),
        Columns =
        [
            new ColumnSchema { Name = "id", Ordinal = 1, DataType = "int", ColumnType = "int(11)" },
            new ColumnSchema { Name = "secret", Ordinal = 2, DataType = "int", ColumnType = "int(11)", Nullable = true, Invisible = true, DefaultSql = "5" },
            SystemVersioningText.PeriodColumn(@implicit ? "row_start" : "rs", 3, invisible: true),
            SystemVersioningText.PeriodColumn(@implicit ? "row_end" : "re", 4, invisible: true),
        ],
        Indexes = [new IndexSchema { Name = "PRIMARY", Kind = IndexKind.Primary, Columns = [new IndexColumn("id", null), new IndexColumn(@implicit ? "row_end" : "re", null)] }],
        Engine = "InnoDB",
    };

    [Fact]
    public void UntilCutOverAVersionedTableIsPlainWithItsPeriodAsColumnsInTheKey()
    {
        var sql = MySqlDdlWriter.CreateTable(Versioned(@implicit: true), new CreateTableOptions { VersioningDeferred = true });
        Assert.Contains("`secret` int(11) NULL DEFAULT 5 INVISIBLE", sql);
        Assert.Contains("`row_start` timestamp(6) NOT NULL DEFAULT '2000-01-01 00:00:00' INVISIBLE", sql);
        Assert.Contains("PRIMARY KEY (`id`,`row_end`)", sql);
        Assert.DoesNotContain("SYSTEM VERSIONING", sql);
    }

    [Fact]
    public void AtCutOverItIsWrittenAsTheSourceDeclaresIt()
    {
        var implicitSql = MySqlDdlWriter.CreateTable(Versioned(@implicit: true));
        Assert.DoesNotContain("row_start", implicitSql);
        Assert.Contains("PRIMARY KEY (`id`)", implicitSql);
        Assert.EndsWith("WITH SYSTEM VERSIONING", implicitSql);
        var declared = MySqlDdlWriter.CreateTable(Versioned(@implicit: false));
        Assert.Contains("`rs` timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE", declared);
        Assert.Contains("PRIMARY KEY (`id`,`re`)", declared);
        Assert.Contains("PERIOD FOR SYSTEM_TIME (`rs`, `re`)", declared);
    }
}
