using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Bidirectional;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>Parallel apply lanes (-WriteConcurrency): whole source transactions side by side, and their recovery after a crash between lane commits.</summary>
public sealed class ParallelLaneTests
{
    [Fact]
    public async Task ATransactionALaneCommittedBeforeTheCrashIsNotAppliedAgain()
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
        var checkpoint = (string)(await TestServers.ScalarAsync(h.Target, $"SELECT position FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward'"))!;

        // Three source transactions on rows of their own. Pretend a worker crashed after lane 1 committed the second
        // (its deletes and its progress row) but before lane 0 committed the others with the checkpoint. A delete applied
        // twice would be a DeleteMissing conflict; an update applied twice would add 2 instead of 1. Lane 1's row is
        // written as the engine writes it: the lanes' earlier batches may have left one already.
        var before = await BidirectionalHarness.PositionAsync(h.Source);
        await TestServers.ExecuteAsync(h.Source, "UPDATE acc SET n = n + 1 WHERE id <= 10", db);
        string gtid;
        await using (var session = await TestServers.OpenMySqlAsync(h.Source, db))
        {
            await new MySqlConnector.MySqlCommand("DELETE FROM acc WHERE id BETWEEN 11 AND 20", session).ExecuteNonQueryAsync();
            gtid = (string)(await new MySqlConnector.MySqlCommand("SELECT @@last_gtid", session).ExecuteScalarAsync())!;
        }
        var second = await BidirectionalHarness.EndOfAsync(h.Source, gtid, before);
        await TestServers.ExecuteAsync(h.Source, "UPDATE acc SET n = n + 1 WHERE id > 20", db);
        var progress = System.Text.Json.JsonSerializer.Serialize(new { Until = Engine.MySql.Binlog.CheckpointPosition.Serialize(second), Applied = new[] { second.Key } });
        await TestServers.ExecuteAsync(h.Target, $"""
            DELETE FROM acc WHERE id BETWEEN 11 AND 20;
            INSERT INTO oms.checkpoints (task, direction, position, applied, transactions) VALUES ('{task.OmsKey}', 'Forward/lane1', '{checkpoint.Replace("'", "''")}', '{progress.Replace("\\", "\\\\").Replace("'", "''")}', 0)
                ON DUPLICATE KEY UPDATE position = VALUES(position), applied = VALUES(applied);
            """, target);

        h.Service.StartWorker(task.Name, Direction.Forward);
        try
        {
            await EngineHarness.WaitUntilAsync(() =>
                Convert.ToInt64(TestServers.ScalarAsync(h.Target, "SELECT SUM(n) FROM acc", target).GetAwaiter().GetResult()) == 60,
                TimeSpan.FromSeconds(60), "both updates applied once on the target");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Worker log:\n{BidirectionalHarness.Log(h, task.Name, Direction.Forward)}", e);
        }
        await Task.Delay(1500); // conflicts are logged just after the commit
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        Assert.Equal(30L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT COUNT(*) FROM acc", target)));
        // The three transactions count once each, the one the lane committed included.
        Assert.Equal(3L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT transactions FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward'")));
    }
}
