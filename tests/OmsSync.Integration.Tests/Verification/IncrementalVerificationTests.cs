using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Verification.VerificationHarness;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Verification;

/// <summary>Verification while rows change: under running incremental synchronization, and in incremental mode.</summary>
public sealed class IncrementalVerificationTests
{
    [Fact]
    public async Task VerificationUnderRunningIncrementalSyncReportsNothingFalse()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vsync", """
            CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, n INT NOT NULL DEFAULT 0, note VARCHAR(50));
            INSERT INTO accounts SELECT seq, 1000, 0, CONCAT('acct ', seq) FROM seq_1_to_20000;
            CREATE TABLE ledger (txn BIGINT NOT NULL, account INT NOT NULL, amount INT NOT NULL);
            CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, label VARCHAR(40));
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "vsync-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, ChunkRows = 1_500,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() =>
        {
            var s = h.Service.Status(task.Name, Direction.Forward);
            if (s.Status == TaskStatus.Failed) throw new InvalidOperationException(s.Message);
            return s.Phase == TaskPhase.Incremental && s.Position is not null;
        }, TimeSpan.FromSeconds(60), "incremental synchronization");

        using var stopWriting = new CancellationTokenSource();
        long transactions = 0;
        var writer = Task.Run(async () =>
        {
            await using var connection = await TestServers.OpenMySqlAsync(h.Source, db);
            var random = new Random(5);
            while (!stopWriting.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref transactions);
                var (a, b, amount) = (random.Next(1, 20001), random.Next(1, 20001), random.Next(1, 50));
                await using var command = new MySqlCommand($"""
                    START TRANSACTION;
                    UPDATE accounts SET balance = balance - {amount}, n = n + 1 WHERE id = {a};
                    UPDATE accounts SET balance = balance + {amount}, n = n + 1 WHERE id = {b};
                    INSERT INTO ledger VALUES ({n}, {a}, -{amount}), ({n}, {b}, {amount});
                    {(n % 3 == 0 ? "DELETE FROM items ORDER BY id LIMIT 1;" : $"INSERT INTO items (account, label) VALUES ({a}, 'item {n}');")}
                    COMMIT;
                    """, connection);
                await command.ExecuteNonQueryAsync();
                await Task.Delay(2);
            }
        });
        try
        {
            await Task.Delay(500);
            // Full verification while rows keep changing and arriving.
            var during = await VerifyAsync(h, task);
            AssertNoDifferences(during);
            Assert.True(during.Table($"{db}.accounts").Chunks > 10);

            // Incremental verification follows the changes for a while.
            using var stopIncremental = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            var incremental = await VerifyAsync(h, task, VerificationMode.Incremental, stopIncremental.Token);
            AssertNoDifferences(incremental);
            Assert.True(incremental.Table($"{db}.accounts").SourceRows > 20, $"only {incremental.Table($"{db}.accounts").SourceRows} changed rows verified");
        }
        finally
        {
            stopWriting.Cancel();
            await writer;
        }
        Assert.True(transactions > 100, $"only {transactions} transactions were written");

        // A real difference under running synchronization is still found.
        await TestServers.ExecuteAsync(h.Target, "UPDATE accounts SET note = 'tampered' WHERE id = 7", target);
        var found = await VerifyAsync(h, task);
        var difference = Assert.Single(found.Differences);
        Assert.Equal((7L, DifferenceKind.Different), (FullVerificationTests.KeyId(difference), difference.Kind));
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task IncrementalModeVerifiesChangedRowsAndWithdrawsSettledOnes()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vincr", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL);
            INSERT INTO t SELECT seq, 'v' FROM seq_1_to_100;
            """);
        var target = db + "_t";
        var task = await MigrateAsync(h, db, target); // no incremental synchronization: changes stay on the source

        using var stop = new CancellationTokenSource();
        var verifying = VerifyAsync(h, task, VerificationMode.Incremental, stop.Token);
        var runs = new Engine.State.VerificationStore(h.Service.Store);
        await EngineHarness.WaitUntilAsync(() => runs.LatestRun(task.Name) is { } r && runs.Tables(r.Id).Count == 1, TimeSpan.FromSeconds(20), "the run to start");
        await Task.Delay(1500); // the binlog reader is positioned

        await TestServers.ExecuteAsync(h.Source, "UPDATE t SET v = 'changed' WHERE id = 5; DELETE FROM t WHERE id = 9; INSERT INTO t VALUES (200, 'new')", db);
        await TestServers.ExecuteAsync(h.Target, "UPDATE t SET v = 'same' WHERE id = 6", target);
        await TestServers.ExecuteAsync(h.Source, "UPDATE t SET v = 'same' WHERE id = 6", db);
        var run = runs.LatestRun(task.Name)!;
        await EngineHarness.WaitUntilAsync(() => runs.OpenDifferences(task.Name).Count(d => d.RunId == run.Id) == 3, TimeSpan.FromSeconds(30), "three differences");
        var open = runs.OpenDifferences(task.Name).Where(d => d.RunId == run.Id).Select(d => (FullVerificationTests.KeyId(d), d.Kind)).Order().ToList();
        Assert.Equal([(5L, DifferenceKind.Different), (9L, DifferenceKind.ExtraOnTarget), (200L, DifferenceKind.MissingOnTarget)], open);

        // The target catches up with row 5 by hand; the next change of row 5 on the source is then verified again.
        await TestServers.ExecuteAsync(h.Target, "UPDATE t SET v = 'again' WHERE id = 5", target);
        await TestServers.ExecuteAsync(h.Source, "UPDATE t SET v = 'again' WHERE id = 5", db);
        await EngineHarness.WaitUntilAsync(() => runs.OpenDifferences(task.Name).Count(d => d.RunId == run.Id) == 2, TimeSpan.FromSeconds(30), "row 5 settled");
        stop.Cancel();
        var outcome = await verifying;
        var table = outcome.Table($"{db}.t");
        Assert.Equal((1, 1, 0), (table.MissingOnTarget, table.ExtraOnTarget, table.Different));
    }

    [Fact]
    public async Task AVerificationWorkerKilledShowsAsFailedAndOneRemovedWithItsTaskStops()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vkill", "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);");
        var task = await MigrateAsync(h, db, db + "_t");
        var service = new VerificationService(h.Service);

        var (run, pid) = service.Start(task.Name, VerificationMode.Incremental, [], null);
        await EngineHarness.WaitUntilAsync(() => service.IsRunning(task.Name), TimeSpan.FromSeconds(20), "the verification worker");
        var again = Assert.Throws<Engine.Errors.OmsException>(() => service.Start(task.Name, VerificationMode.Full, [], null));
        Assert.Equal("VerificationRunning", again.ErrorId);
        EngineHarness.KillAndReap(pid);
        await EngineHarness.WaitUntilAsync(() => service.Status(run.Id).Status == TaskStatus.Failed, TimeSpan.FromSeconds(30), "the run to show as failed");
        Assert.Contains("gone without a final word", service.Status(run.Id).Message);

        (run, pid) = service.Start(task.Name, VerificationMode.Incremental, [], null);
        await EngineHarness.WaitUntilAsync(() => service.IsRunning(task.Name), TimeSpan.FromSeconds(20), "the second worker");
        h.Service.Tasks.Remove(task.Name);
        await EngineHarness.WaitUntilAsync(() => !service.IsRunning(task.Name), TimeSpan.FromSeconds(20), "the worker to leave with its task");
    }
}
