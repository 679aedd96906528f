using System.Diagnostics;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>Full migration in the background worker process: kill -9 in the middle, start again, nothing lost or doubled.</summary>
public sealed class WorkerResumeTests
{
    [Fact]
    public async Task KilledWorkerResumesByChunkWithNothingLostOrDoubled()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "resume", """
            CREATE TABLE big (id BIGINT PRIMARY KEY, grp INT NOT NULL, note VARCHAR(100), KEY ix_grp (grp));
            INSERT INTO big SELECT seq, seq % 113, CONCAT('row ', seq, REPEAT('.', seq % 60)) FROM seq_1_to_200000;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "resume-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.big"], Renames = new Dictionary<string, string> { [db] = target },
            IndexMigration = IndexMigration.AfterFull,
            RowsPerSecond = 40_000, // slow enough to be caught in the middle
            AutoRestart = false,   // this test restarts the worker itself
        });

        var first = h.Service.StartWorker(task.Name, Direction.Forward);
        // Two workers can never run one task: the second start is refused while the first lives.
        var twice = Assert.Throws<OmsSync.Engine.Errors.OmsException>(() => h.Service.StartWorker(task.Name, Direction.Forward));
        Assert.Equal("TaskAlreadyRunning", twice.ErrorId);
        await EngineHarness.WaitUntilAsync(() => h.Service.Runtime.TableProgress(task.Name).Any(p => p.ChunksDone >= 3),
            TimeSpan.FromSeconds(60), "three chunks to be loaded");
        EngineHarness.KillAndReap(first);
        await EngineHarness.WaitUntilAsync(() => !h.Service.IsWorkerAlive(task.Name, Direction.Forward), TimeSpan.FromSeconds(10), "the worker to die");

        var dead = h.Service.Status(task.Name, Direction.Forward);
        Assert.Equal(TaskStatus.Failed, dead.Status);
        Assert.Contains("gone", dead.Message);
        var copiedBefore = await TableSnapshot.CountAsync(h.Target, target, "big");
        Assert.InRange(copiedBefore, 1, 199_999);

        await h.ResumeToCompletionAsync(task);

        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "big", "id"), await TableSnapshot.ReadAsync(h.Target, target, "big", "id"));
        // Every chunk recorded exactly once, and the deferred index built after the rows were in.
        var chunks = Convert.ToInt64(await TestServers.ScalarAsync(h.Target, $"SELECT COUNT(*) FROM oms.full_chunks WHERE task = '{task.OmsKey}'"));
        var distinct = Convert.ToInt64(await TestServers.ScalarAsync(h.Target, $"SELECT COUNT(DISTINCT chunk_no) FROM oms.full_chunks WHERE task = '{task.OmsKey}'"));
        Assert.Equal(chunks, distinct);
        Assert.Equal(h.Service.Runtime.TableProgress(task.Name).Single().ChunksTotal, (int)chunks);
        Assert.Equal(1L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{target}' AND INDEX_NAME = 'ix_grp'")));
    }
}
