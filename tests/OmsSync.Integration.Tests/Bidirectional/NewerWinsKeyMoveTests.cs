using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Bidirectional;

/// <summary>
/// A row that moves to another primary key under NewerWins keeps its unique values: the resolver must not take the row
/// itself for another row holding them.
/// </summary>
public sealed class NewerWinsKeyMoveTests
{
    [Fact]
    public async Task ARowMovedToANewKeyWithItsUniqueValueArrivesWhenTheTargetRowDiffers()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "nwmove", """
            CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(10) NOT NULL UNIQUE, v VARCHAR(10) NOT NULL, ts DATETIME(6) NOT NULL);
            INSERT INTO t VALUES (1, 'x', 'a', '2026-01-01 00:00:00');
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = IncrementalTests.NewTask(h, db, target, "nwmove") with
        {
            ConflictRules = [new ConflictRule { Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" }],
        };
        h.Service.Tasks.Update(task);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        // The target's row differs from the source's before-image (not in its stamp), so the move goes to the resolver.
        await TestServers.ExecuteAsync(h.Target, "UPDATE t SET v = 'b' WHERE id = 1", target);
        await TestServers.ExecuteAsync(h.Source, "UPDATE t SET id = 2, ts = '2026-01-02 00:00:00' WHERE id = 1", db);

        await EngineHarness.WaitUntilAsync(() => h.Service.Conflicts.List(task.Name).Count > 0, TimeSpan.FromSeconds(60), "the move's conflict to be recorded");
        Assert.Equal("2:x:a", await RowsAsync(h.Target, target));
        Assert.Equal("2:x:a", await RowsAsync(h.Source, db));
    }

    private static async Task<string> RowsAsync(ServerAddress server, string db) => (string)(await TestServers.ScalarAsync(server,
        "SELECT COALESCE(GROUP_CONCAT(CONCAT_WS(':', id, u, v) ORDER BY id SEPARATOR ' '), '') FROM t", db))!;
}
