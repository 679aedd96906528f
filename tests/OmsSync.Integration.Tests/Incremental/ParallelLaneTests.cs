using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Integration.Tests.Bidirectional;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>Parallel apply lanes (-WriteConcurrency) and their recovery after a crash between lane commits.</summary>
public sealed class ParallelLaneTests
{
    [Fact]
    public async Task ALaneThatCommittedBeforeTheCrashIsNotAppliedAgain()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "lanes",
            "CREATE TABLE acc (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO acc SELECT seq, 1 FROM seq_1_to_40;");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "lanes-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
            WriteConcurrency = 2, AutoRestart = false,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await BidirectionalHarness.WaitForIncrementalAsync(h, task.Name, Direction.Forward);
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);

        // One source transaction deletes all 40 rows. Pretend a worker crashed after lane 1 committed its part of
        // it (its deletes and its progress row) but before lane 0 committed the rest with the checkpoint. A delete
        // applied twice would be a DeleteMissing conflict.
        await TestServers.ExecuteAsync(h.Source, "DELETE FROM acc", db);
        var end = await BidirectionalHarness.PositionAsync(h.Source);
        var objects = await TaskObjects.ResolveAsync(h.Service.Endpoint(h.SourceName), task, CancellationToken.None);
        var plan = new TableApplyPlan(objects.Tables.Single(), ["id", "n"]);
        var laneOne = Enumerable.Range(1, 40)
            .Where(id => LaneRouter.LaneOf(plan, new BinlogRowChange(RowChangeKind.Delete, db, "acc", ["id", "n"], [(long)id, 1L], null, null), 2) == 1)
            .ToList();
        Assert.InRange(laneOne.Count, 5, 35); // the key hash spreads rows over both lanes
        await TestServers.ExecuteAsync(h.Target, $"""
            DELETE FROM acc WHERE id IN ({string.Join(",", laneOne)});
            INSERT INTO oms.checkpoints (task, direction, position, transactions) VALUES ('{task.OmsKey}', 'Forward/1of2', '{CheckpointPosition.Serialize(end).Replace("'", "''")}', 0);
            """, target);

        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() =>
            Convert.ToInt64(TestServers.ScalarAsync(h.Target, "SELECT COUNT(*) FROM acc", target).GetAwaiter().GetResult()) == 0,
            TimeSpan.FromSeconds(60), "every row deleted on the target");
        await Task.Delay(1500); // conflicts are logged just after the commit
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }
}
