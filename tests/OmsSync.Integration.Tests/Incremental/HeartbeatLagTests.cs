using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>Lag is measured against the heartbeat's microsecond time, not MariaDB's whole-second commit times.</summary>
public sealed class HeartbeatLagTests
{
    [Fact]
    public async Task AnIdleTasksCommitTimeComesFromItsHeartbeatInMicroseconds()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "inclag", "CREATE TABLE t (id INT PRIMARY KEY);");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = IncrementalTests.NewTask(h, db, target, "inclag");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        // The checkpoint records the commit time of the last transaction in: a heartbeat's has microseconds.
        var sql = $"SELECT COALESCE(MICROSECOND(source_commit), 0) FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward'";
        await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(h.Target, sql).Result) != 0,
            TimeSpan.FromSeconds(30), "a heartbeat's commit time in the checkpoint");
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).LagMilliseconds is not null,
            TimeSpan.FromSeconds(10), "the lag to be reported");
        var beat = Convert.ToDateTime(await TestServers.ScalarAsync(h.Source, $"SELECT beat FROM oms.heartbeat WHERE task = '{task.OmsKey}'"));
        Assert.NotEqual(0, beat.Ticks % TimeSpan.TicksPerSecond);
    }
}
