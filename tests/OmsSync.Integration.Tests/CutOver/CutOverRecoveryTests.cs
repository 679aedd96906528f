using OmsSync.Engine.CutOver;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Bidirectional;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.CutOver;

/// <summary>A cut-over killed in its steps and taken up again, and one that starts the reverse direction.</summary>
public sealed class CutOverRecoveryTests
{
    private const string Stock = """
        CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL);
        CREATE TABLE moves (id BIGINT AUTO_INCREMENT PRIMARY KEY, item INT NOT NULL, delta INT NOT NULL);
        CREATE TABLE prices (id INT PRIMARY KEY, price INT NOT NULL) WITH SYSTEM VERSIONING;
        CREATE SEQUENCE lot START WITH 1 INCREMENT BY 1;
        CREATE TRIGGER items_au AFTER UPDATE ON items FOR EACH ROW INSERT INTO moves (item, delta) VALUES (NEW.id, NEW.qty - OLD.qty);
        CREATE TRIGGER items_au_zero AFTER UPDATE ON items FOR EACH ROW FOLLOWS items_au INSERT INTO moves (item, delta) VALUES (NEW.id, 0);
        CREATE EVENT restock ON SCHEDULE EVERY 1 DAY STARTS '2031-01-01 00:00:00' DO UPDATE items SET qty = qty + 1;
        INSERT INTO items (qty) SELECT 10 FROM seq_1_to_40;
        INSERT INTO prices SELECT seq, 1 FROM seq_1_to_40;
        """;

    private static readonly (string, string)[] Tables = [("items", "id"), ("moves", "id")];

    [Fact]
    public async Task ACutOverKilledInItsStepsIsTakenUpWithNothingLostOrDoubled()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "cutkill", Stock);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = IncrementalTests.NewTask(h, db, target, "cutkill", autoRestart: false);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestServers.ExecuteAsync(h.Source, string.Concat(Enumerable.Range(1, 40).Select(i =>
            $"UPDATE items SET qty = qty - {i % 5} WHERE id = {i}; UPDATE prices SET price = price + 1 WHERE id <= {i}; SELECT NEXTVAL(lot); DELETE FROM items WHERE id = {40 + i};")), db);
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO items (qty) VALUES (1); DELETE FROM items WHERE qty = 1", db);

        // Killed as kill -9 would: with a versioned table's copy made but not yet in place, with the triggers dropped to be made
        // again in order, and as the counters move; each time the next attempt takes the cut-over up at the step it was in.
        foreach (var point in new[] { "cutover-versioning-copied", "cutover-triggers-dropped", "cutover-Counters" })
        {
            Environment.SetEnvironmentVariable("OMSSYNC_FAULT", $"{task.Name}:{point}");
            CutOverState killed;
            try
            {
                killed = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(QuietSeconds: 2));
            }
            finally
            {
                Environment.SetEnvironmentVariable("OMSSYNC_FAULT", null);
            }
            Assert.Equal(TaskStatus.Failed, killed.Status);
            Assert.Contains("gone without a final word", killed.Message);
            Assert.Equal(CutOverStepStatus.Running, killed.Current!.Status);
        }
        var done = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(QuietSeconds: 2));
        Assert.True(done.Status == TaskStatus.Completed, done.Message);

        await CutOverKit.AssertSameRowsAsync(h.Source, db, h.Target, target, Tables);
        var versions = await CutOverKit.VersionsAsync(h.Source, db, "prices", "id, price, row_start, row_end", "id, row_end", versioned: true);
        Assert.True(versions.Count > 40 * 10);
        Assert.Equal(versions, await CutOverKit.VersionsAsync(h.Target, target, "prices", "id, price, row_start, row_end", "id, row_end", versioned: true));
        Assert.Empty(await CutOverKit.RowsAsync(h.Target, null,
            $"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{target}' AND (TABLE_NAME LIKE 'oms\\_vers\\_%' OR TABLE_NAME LIKE 'oms\\_prev\\_%')"));
        var (sourcePrograms, targetPrograms) = (await CutOverKit.ProgramsAsync(h.Source, db), await CutOverKit.ProgramsAsync(h.Target, target));
        Assert.Equal(2, targetPrograms.Triggers.Count);
        Assert.Equal(sourcePrograms.Triggers, targetPrograms.Triggers);
        Assert.Equal(sourcePrograms.Events, targetPrograms.Events);
        foreach (var table in new[] { "items", "moves", "prices" })
            Assert.Equal(await CutOverKit.ShowCreateAsync(h.Source, db, "TABLE", table), await CutOverKit.ShowCreateAsync(h.Target, target, "TABLE", table));
        Assert.Equal(await CutOverKit.LongAsync(h.Source, "SELECT next_not_cached_value FROM lot", db),
            await CutOverKit.LongAsync(h.Target, "SELECT next_not_cached_value FROM lot", target));
    }

    [Fact]
    public async Task StartReverseKeepsTheOldSourceInStepWithoutItsTriggersActingTwice()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "cutrev", Stock.Replace("CREATE TABLE prices (id INT PRIMARY KEY, price INT NOT NULL) WITH SYSTEM VERSIONING;", "")
            .Replace("INSERT INTO prices SELECT seq, 1 FROM seq_1_to_40;", ""));
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "cutrev-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target }, Topology = Topology.Bidirectional,
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestServers.ExecuteAsync(h.Source, "UPDATE items SET qty = qty + 2 WHERE id <= 5", db);

        // Killed once the first trigger is dropped: the source no longer has it, so only the step's detail keeps how to restore it.
        Environment.SetEnvironmentVariable("OMSSYNC_FAULT", $"{task.Name}:cutover-retired-one");
        CutOverState killed;
        try
        {
            killed = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(StartReverse: true, QuietSeconds: 2));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OMSSYNC_FAULT", null);
        }
        Assert.Equal(CutOverStep.RetireSource, killed.Current!.Step);
        Assert.Single((await CutOverKit.ProgramsAsync(h.Source, db)).Triggers);
        var done = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(StartReverse: true, QuietSeconds: 2));
        Assert.True(done.Status == TaskStatus.Completed, done.Message);
        var retired = done.Steps.Single(s => s.Step == CutOverStep.RetireSource).Detail!;
        Assert.Contains("dropped trigger", retired);
        foreach (var trigger in new[] { "items_au", "items_au_zero" })
            Assert.Contains($"dropped trigger {db}.{trigger} on the source", retired);
        await BidirectionalHarness.WaitForIncrementalAsync(h, task.Name, Direction.Reverse);
        Assert.Empty((await CutOverKit.ProgramsAsync(h.Source, db)).Triggers);
        Assert.Equal(["SLAVESIDE_DISABLED"], await CutOverKit.RowsAsync(h.Source, null, $"SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{db}'"));
        Assert.Equal(["ENABLED"], await CutOverKit.RowsAsync(h.Target, null, $"SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{target}'"));

        // The application writes the target now: its triggers write the moves there, and the old source gets each row once.
        await TestServers.ExecuteAsync(h.Target, "UPDATE items SET qty = qty - 3 WHERE id <= 4; INSERT INTO items (qty) VALUES (99)", target);
        var moves = await CutOverKit.LongAsync(h.Target, "SELECT COUNT(*) FROM moves", target);
        await BidirectionalHarness.WaitForEqualAsync(h, task.Name, db, target, Tables);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await CutOverKit.AssertSameRowsAsync(h.Source, db, h.Target, target, Tables);
        Assert.Equal(moves, await CutOverKit.LongAsync(h.Source, "SELECT COUNT(*) FROM moves", db));
    }
}
