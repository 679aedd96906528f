using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PreCheck;

/// <summary>Bad task definitions are caught by the pre-check, naming the object at fault, before any row moves.</summary>
public sealed class TaskPreCheckTests
{
    private static async Task<(EngineHarness H, string Db, string Target)> SetUpAsync()
    {
        var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "pre", """
            CREATE TABLE orders (id INT PRIMARY KEY, total DECIMAL(8,2));
            CREATE TABLE order_hist (id INT PRIMARY KEY, total DECIMAL(8,2));
            CREATE TABLE loose (v INT);
            INSERT INTO orders VALUES (1, 2.50);
            """);
        var target = await h.CreateDatabaseAsync(h.Target, "pre_t");
        return (h, db, target);
    }

    private static MigrationTask Task(EngineHarness h, string db, string target) => new()
    {
        Name = "pre-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
        Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
    };

    [Fact]
    public async Task AGoodTaskPassesWithAWarningForTheTableWithoutKey()
    {
        var (h, db, target) = await SetUpAsync();
        await using var _ = h;
        var task = h.AddTask(Task(h, db, target));
        var results = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(results, r => r.Status == CheckStatus.Fail);
        Assert.Contains(results, r => r.Check == "PrimaryKey" && r.Status == CheckStatus.Warn && r.Target == $"{db}.loose");
    }

    [Fact]
    public async Task BadRulesFiltersCollisionsAndTargetsFailNamingTheObject()
    {
        var (h, db, target) = await SetUpAsync();
        await using var _ = h;
        await TestServers.ExecuteAsync(h.Target, "CREATE TABLE orders (id INT PRIMARY KEY, other VARCHAR(5) NOT NULL); INSERT INTO orders VALUES (7, 'x');", target);

        var nothing = h.AddTask(Task(h, db, target) with { Include = [$"{db}.nosuch*"] });
        var r1 = await h.Service.TestTaskAsync(nothing.Name, CancellationToken.None);
        Assert.Contains(r1, r => r.Check == "ObjectRules" && r.Status == CheckStatus.Fail && r.Message.Contains("nosuch"));

        var collide = h.AddTask(Task(h, db, target) with
        {
            Renames = new Dictionary<string, string> { [db] = target, [$"{db}.orders"] = $"{target}.order_hist" },
        });
        var r2 = await h.Service.TestTaskAsync(collide.Name, CancellationToken.None);
        Assert.Contains(r2, r => r.Check == "ObjectRules" && r.Status == CheckStatus.Fail && r.Message.Contains("order_hist"));

        var badFilter = h.AddTask(Task(h, db, target) with
        {
            Include = [$"{db}.order_hist"],
            RowFilters = new Dictionary<string, string> { [$"{db}.order_hist"] = "total >>> 3 AND" },
        });
        var r3 = await h.Service.TestTaskAsync(badFilter.Name, CancellationToken.None);
        Assert.Contains(r3, r => r.Check == "RowFilter" && r.Status == CheckStatus.Fail && r.Target == $"{db}.order_hist");

        var otherColumns = h.AddTask(Task(h, db, target) with { Include = [$"{db}.orders"] });
        var r4 = await h.Service.TestTaskAsync(otherColumns.Name, CancellationToken.None);
        Assert.Contains(r4, r => r.Check == "TargetTable" && r.Status == CheckStatus.Fail && r.Target == $"{target}.orders" && r.Message.Contains("total"));

        // The worker refuses the same task before writing anything.
        var before = await TableSnapshot.CountAsync(h.Target, target, "orders");
        var error = await Assert.ThrowsAsync<OmsSync.Engine.Errors.OmsException>(() => FullLoad.FullMigrationTests.RunInProcessAsync(h, otherColumns));
        Assert.Equal("TargetSchemaIncompatible", error.ErrorId);
        Assert.Equal(before, await TableSnapshot.CountAsync(h.Target, target, "orders"));
    }

    [Fact]
    public async Task WrongPasswordAndUnreachableServerFailConnectivity()
    {
        await using var h = EngineHarness.Create();
        h.Service.DataSources.Add(new DataSource { Name = "badpw", Kind = DataSourceKind.MariaDb, Server = h.Source.Host, Port = h.Source.Port, User = TestServers.User }, "wrong");
        h.Service.DataSources.Add(new DataSource { Name = "nohost", Kind = DataSourceKind.MariaDb, Server = "127.0.0.1", Port = 1, User = TestServers.User }, "x");
        var bad = await h.Service.TestDataSourceAsync("badpw", Engine.Runtime.DataSourceRole.Source, CancellationToken.None);
        var conn = Assert.Single(bad);
        Assert.Equal(CheckStatus.Fail, conn.Status);
        Assert.Contains("Set-OmsDataSource", conn.Message);
        var none = Assert.Single(await h.Service.TestDataSourceAsync("nohost", Engine.Runtime.DataSourceRole.Source, CancellationToken.None));
        Assert.Equal(CheckStatus.Fail, none.Status);
        Assert.Contains("Cannot reach", none.Message);
    }

    [Fact]
    public async Task IncrementalSourceChecksTheBinlog()
    {
        await using var h = EngineHarness.Create();
        var results = await h.Service.TestDataSourceAsync(h.SourceName, Engine.Runtime.DataSourceRole.IncrementalSource, CancellationToken.None);
        foreach (var check in new[] { "Binlog", "BinlogFormat", "BinlogRowImage", "ReplicationPrivileges", "OmsBinlogged", "Version" })
            Assert.Contains(results, r => r.Check == check && r.Status == CheckStatus.Pass);
    }
}
