using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Ddl;

/// <summary>DDL synchronization across worker deaths, failing and unsupported statements, and Skip-OmsDdl.</summary>
public sealed class DdlRecoveryTests
{
    [Fact]
    public async Task AWorkerKilledBetweenADdlAndTheFollowingDmlResumesCorrectly()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddlkill", "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t SELECT seq, seq FROM seq_1_to_100;");
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddlkill", t => t with { AutoRestart = false });
        // Killed right after the DDL committed on the target, before the checkpoint moved past it; then right before a DDL.
        foreach (var (point, ddl, after) in new[]
        {
            ("ddl-after-apply", "ALTER TABLE t RENAME COLUMN v TO w", "INSERT INTO t (id, w) VALUES (1001, 1); UPDATE t SET w = w + 1 WHERE id <= 3"),
            ("ddl-before-apply", "ALTER TABLE t ADD COLUMN x INT NOT NULL DEFAULT 9", "INSERT INTO t (id, w, x) VALUES (1002, 2, 2); DELETE FROM t WHERE id = 4"),
            ("ddl-after-apply", "TRUNCATE TABLE t", "INSERT INTO t (id, w, x) VALUES (1, 1, 1)"),
        })
        {
            Environment.SetEnvironmentVariable("OMSSYNC_FAULT", $"{task.Name}:{point}");
            try
            {
                await DdlTestKit.StartAsync(h, task);
                await DdlTestKit.ExecAsync(h, db, $"INSERT INTO t (id) VALUES ({900 + ddl.Length}); {ddl}; {after};");
                await EngineHarness.WaitUntilAsync(() => !h.Service.IsWorkerAlive(task.Name, Direction.Forward), TimeSpan.FromSeconds(30), $"the worker to die at {point}");
                if (h.Service.Runtime.Get(task.Name, Direction.Forward).WorkerPid is { } pid) EngineHarness.KillAndReap(pid);
            }
            finally
            {
                Environment.SetEnvironmentVariable("OMSSYNC_FAULT", null);
            }
            await DdlTestKit.StartAsync(h, task);
            await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
            await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        Assert.Contains("resuming DDL at", DdlTestKit.Log(h, task.Name));
        Assert.Equal(3, h.Service.DdlLog.List(task.Name).Count(r => r.Outcome == DdlOutcome.Applied));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task AFailingOrUnsupportedDdlPausesWithTheReasonAndASkippedOneIsRecorded()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddlskip", """
            CREATE TABLE t (id INT PRIMARY KEY, v INT);
            INSERT INTO t SELECT seq, seq FROM seq_1_to_10;
            CREATE TABLE p (id INT PRIMARY KEY) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN MAXVALUE);
            INSERT INTO p VALUES (1), (200);
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddlskip", t => t with { Include = [$"{db}.t", $"{db}.p"] });
        await DdlTestKit.StartAsync(h, task);

        // The target already has an index of that name: the target refuses the DDL.
        await TestServers.ExecuteAsync(h.Target, "ALTER TABLE t ADD INDEX ix (v)", target);
        await DdlTestKit.ExecAsync(h, db, "INSERT INTO t VALUES (11, 11); ALTER TABLE t ADD INDEX ix (v); INSERT INTO t VALUES (12, 12);");
        await DdlTestKit.WaitForPauseAsync(h, task.Name);
        var message = h.Service.Status(task.Name, Direction.Forward).Message!;
        Assert.Contains("ADD INDEX ix (v)", message);
        Assert.Contains("Duplicate key name", message);
        Assert.Equal(11L, await TableSnapshot.CountAsync(h.Target, target, "t"));

        // Resumed unchanged, it pauses at the same DDL again; skipped, it goes on.
        h.Service.StartWorker(task.Name, Direction.Forward);
        await Task.Delay(500);
        await DdlTestKit.WaitForPauseAsync(h, task.Name);
        var skipped = await h.Service.SkipDdlAsync(task.Name, CancellationToken.None);
        Assert.Equal(DdlOutcome.Skipped, skipped.Outcome);
        Assert.Contains("ADD INDEX ix", skipped.Statement);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));

        // Rows moved between tables outside the binlog's row events: not supported, paused, skipped.
        await DdlTestKit.ExecAsync(h, db, "CREATE TABLE outside (id INT PRIMARY KEY); ALTER TABLE p EXCHANGE PARTITION p0 WITH TABLE outside; INSERT INTO t VALUES (13, 13);");
        await DdlTestKit.WaitForPauseAsync(h, task.Name);
        Assert.Contains("EXCHANGE PARTITION", h.Service.Status(task.Name, Direction.Forward).Message);
        await Assert.ThrowsAsync<Engine.Errors.OmsException>(async () =>
        {
            h.Service.StartWorker(task.Name, Direction.Forward);
            await Task.Delay(300);
            await DdlTestKit.WaitForPauseAsync(h, task.Name);
            await h.Service.SkipDdlAsync(task.Name, CancellationToken.None);
            await h.Service.SkipDdlAsync(task.Name, CancellationToken.None); // nothing left to skip
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() => TableSnapshot.CountAsync(h.Target, target, "t").Result == 13, TimeSpan.FromSeconds(30), "the row after the skipped DDL");

        var log = h.Service.DdlLog.List(task.Name);
        Assert.Equal(2, log.Count(r => r.Outcome == DdlOutcome.Skipped));
        Assert.DoesNotContain(log, r => r.Outcome == DdlOutcome.Paused);
    }

    [Fact]
    public async Task WithDdlSynchronizationOffTheDbaAppliesTheChangeAndSkipsIt()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddloff", "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 1);");
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddloff", t => t with { IncrementalDdl = false });
        await DdlTestKit.StartAsync(h, task);
        await DdlTestKit.ExecAsync(h, db, "INSERT INTO t VALUES (2, 2); ALTER TABLE t ADD COLUMN c VARCHAR(5) DEFAULT 'x'; INSERT INTO t VALUES (3, 3, 'c');");
        await DdlTestKit.WaitForPauseAsync(h, task.Name);
        Assert.Contains("DDL synchronization is off", h.Service.Status(task.Name, Direction.Forward).Message);
        Assert.Equal(2L, await TableSnapshot.CountAsync(h.Target, target, "t"));
        await TestServers.ExecuteAsync(h.Target, "ALTER TABLE t ADD COLUMN c VARCHAR(5) DEFAULT 'x'", target);
        await h.Service.SkipDdlAsync(task.Name, CancellationToken.None);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await DdlTestKit.ExecAsync(h, db, "UPDATE t SET c = 'u' WHERE id = 1;");
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
    }
}
