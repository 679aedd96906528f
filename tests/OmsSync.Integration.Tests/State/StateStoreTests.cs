using System.Diagnostics;
using OmsSync.Engine.Alerts;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.State;

/// <summary>The state store on each backend: the same schema and stores, concurrent writers and racing upgrades.</summary>
public sealed class StateStoreTests
{
    [Theory]
    [MemberData(nameof(TestStateStore.Backends), MemberType = typeof(TestStateStore))]
    public void EveryStoreReadsBackWhatItWrote(StateStoreType type)
    {
        using var t = TestStateStore.Create(type);
        var store = t.Open();
        Assert.Equal(type, store.Settings.Type);
        var sources = new DataSourceCatalog(store);
        sources.Add(new DataSource { Name = "Src", Kind = DataSourceKind.MariaDb, Server = "127.0.0.1", Port = 3306, User = "u", Database = "d" }, "pw-1");
        sources.Add(new DataSource { Name = "dst", Kind = DataSourceKind.PostgreSql, Server = "127.0.0.1", Port = 5432, User = "u" }, "pw-2");
        Assert.Equal("pw-1", sources.GetPassword("src"));
        Assert.Equal("d", sources.Get("SRC").Database);
        var err = Assert.Throws<OmsException>(() => sources.Add(new DataSource { Name = "SRC", Kind = DataSourceKind.MariaDb, Server = "h", Port = 1, User = "u" }, "x"));
        Assert.Equal("DataSourceExists", err.ErrorId);

        var tasks = new TaskCatalog(store);
        tasks.Add(new MigrationTask { Name = "t1", Source = "src", Target = "dst", Include = ["db.*"] });
        Assert.Equal("TaskExists", Assert.Throws<OmsException>(() => tasks.Add(new MigrationTask { Name = "T1", Source = "src", Target = "dst", Include = ["db.*"] })).ErrorId);

        var runtime = new RuntimeStore(store);
        runtime.ClaimWorker("t1", Direction.Forward, 4242);
        runtime.Beat("t1", Direction.Forward, position: "0-1-7", lagMs: 12, rowsApplied: 100, rowsPerSecond: 1.5, txnPerSecond: 0.5);
        runtime.Beat("t1", Direction.Forward);
        runtime.SetStatus("t1", Direction.Forward, OmsSync.Engine.Model.TaskStatus.Running, TaskPhase.Incremental, "ok", clearMessage: true);
        var r = runtime.Get("T1", Direction.Forward);
        Assert.Equal((4242, "0-1-7", 100L, 12L, TaskPhase.Incremental, "ok"), (r.WorkerPid!.Value, r.Position!, r.RowsApplied, r.LagMilliseconds!.Value, r.Phase, r.Message!));
        runtime.UpsertTableProgress(new TableProgress { Task = "t1", SourceTable = "db.a", TargetTable = "db.a", Status = "Copying", RowsCopied = 1 });
        runtime.UpsertTableProgress(new TableProgress { Task = "t1", SourceTable = "db.a", TargetTable = "db.a", Status = "Done", RowsCopied = 9 });
        Assert.Equal(9, Assert.Single(runtime.TableProgress("t1")).RowsCopied);
        runtime.SaveChunkPlan("t1", "db.a", [(null, "5"), ("5", null)]);
        Assert.Equal(2, runtime.ChunkPlan("t1", "db.a").Count);

        new ConflictLog(store).Record([new ConflictRecord
        {
            Task = "t1", Direction = Direction.Forward, Table = "db.a", Key = "1", Type = ConflictType.InsertExists, Policy = ConflictPolicy.Ignore,
            Outcome = "kept", Time = DateTimeOffset.UtcNow,
        }]);
        Assert.Single(new ConflictLog(store).List("t1", unresolvedOnly: true));
        new SchemaHistory(store).Record("t1", Direction.Forward, "db", "a", null, null, true, 1, 4);
        new SchemaHistory(store).Record("t1", Direction.Forward, "db", "a", null, null, false, 1, 4);
        Assert.False(new SchemaHistory(store).Latest("t1", Direction.Forward, "db", "a", 1, 10)!.Member);
        var windows = new TableWindowStore(store);
        windows.Set("t1", Direction.Forward, "db.b", null);
        windows.Set("t1", Direction.Forward, "db.b", "0-1-9");
        Assert.Equal("0-1-9", windows.Read("t1", Direction.Forward)["db.b"]);
        var alerts = new AlertLog(store);
        var alert = alerts.Start("t1", AlertKind.Lag, Direction.Forward, "late");
        Assert.Single(alerts.List(null, activeOnly: true));
        alerts.Clear(alert);
        Assert.Empty(alerts.List("t1", activeOnly: true));

        // A change planned from a definition another process has changed since is refused (compare-and-set).
        var read = tasks.Get("t1");
        tasks.Modify("t1", stored => stored with { Labels = ["first"] });
        Assert.Equal("TaskChanged", Assert.Throws<OmsException>(() => tasks.Replace(read, read with { Labels = ["second"] })).ErrorId);
        tasks.Replace(tasks.Get("t1"), tasks.Get("t1") with { Labels = ["second"] });
        Assert.Equal(["second"], tasks.Get("t1").Labels);

        tasks.Rename("t1", tasks.Get("t1") with { Name = "t2" });
        Assert.Equal("0-1-7", runtime.Get("t2", Direction.Forward).Position);
        Assert.Single(runtime.TableProgress("t2"));
        tasks.Remove("t2");
        Assert.Empty(runtime.TableProgress("t2"));
        Assert.Empty(tasks.List());
    }

    [Theory]
    [MemberData(nameof(TestStateStore.Backends), MemberType = typeof(TestStateStore))]
    public async Task ConcurrentWritersLoseNoUpdate(StateStoreType type)
    {
        using var t = TestStateStore.Create(type);
        var store = t.Open();
        var sources = new DataSourceCatalog(store);
        foreach (var name in new[] { "a", "b" })
            sources.Add(new DataSource { Name = name, Kind = DataSourceKind.MariaDb, Server = "h", Port = 1, User = "u" }, "pw");
        new TaskCatalog(store).Add(new MigrationTask { Name = "t", Source = "a", Target = "b", Include = ["db.*"] });
        var alert = new AlertLog(store).Start("t", AlertKind.Lag, null, "m");

        // Eight writers, each with its own store (its own connections), read-modify-write the same task definition and
        // bump the same counter: every change must be there at the end.
        const int writers = 8, changes = 15;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            var own = StateStore.Open(t.Home);
            var tasks = new TaskCatalog(own);
            var log = new AlertLog(own);
            for (var i = 0; i < changes; i++)
            {
                tasks.Modify("t", current => current with { Labels = [.. current.Labels, $"w{w}-{i}"] });
                log.Delivery(alert.Id, null);
            }
        })));

        var labels = new TaskCatalog(store).Get("t").Labels;
        Assert.Equal(writers * changes, labels.Count);
        Assert.Equal(writers * changes, labels.Distinct().Count());
        Assert.Equal(writers * changes, new AlertLog(store).List("t", false).Single().Delivered);
    }

    [Theory]
    [MemberData(nameof(TestStateStore.Backends), MemberType = typeof(TestStateStore))]
    public async Task TwoProcessesUpgradingAtOnceApplyEachStepOnce(StateStoreType type)
    {
        using var t = TestStateStore.Create(type);
        // Each worker opens the store (upgrading the empty database) before it looks for its task, which is not there.
        var worker = WorkerPath();
        var processes = Enumerable.Range(0, 3).Select(_ => Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { worker, "verify", "--task", "none", "--run", "1", "--home", t.Home.Path },
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!).ToList();
        var errors = new List<string>();
        foreach (var p in processes)
        {
            errors.Add(await p.StandardError.ReadToEndAsync());
            await p.WaitForExitAsync();
            p.Dispose();
        }
        // Each got as far as looking for its task: none failed on a table another had created or a step it had recorded.
        Assert.All(errors, e => Assert.Contains("Task 'none'", e));
        Assert.All(errors, e => Assert.DoesNotContain("exists", e.Replace("does not exist", ""), StringComparison.OrdinalIgnoreCase));
        Assert.All(errors, e => Assert.DoesNotContain("Duplicate", e, StringComparison.OrdinalIgnoreCase));

        var store = t.Open();
        if (type != StateStoreType.Sqlite)
            Assert.Equal(Enumerable.Range(1, StateSchema.LatestVersion).Select(i => (long)i),
                store.Query("SELECT step FROM schema_steps ORDER BY step", r => Convert.ToInt64(r.GetValue(0))));
        Assert.Empty(new TaskCatalog(store).List());
    }

    [Fact]
    public void NewerSchemaIsRefusedWithItsVersion()
    {
        using var t = TestStateStore.Create(StateStoreType.MariaDb);
        var store = t.Open();
        store.Execute("INSERT INTO schema_steps(step, applied) VALUES (@s, 'later')", ("@s", StateSchema.LatestVersion + 1));
        var e = Assert.Throws<InvalidOperationException>(() => t.Open());
        Assert.Contains($"schema {StateSchema.LatestVersion + 1}", e.Message);
    }

    private static string WorkerPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OmsSync.sln"))) dir = dir.Parent;
        var worker = Path.Combine(dir!.FullName, "bin", "modules", "OmsSync", "OmsSync.Worker.dll");
        if (!File.Exists(worker)) throw new InvalidOperationException("The worker is not built: run ./build.sh first.");
        return worker;
    }
}
