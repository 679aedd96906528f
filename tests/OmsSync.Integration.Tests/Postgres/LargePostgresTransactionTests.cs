using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>A PostgreSQL transaction far larger than the task's memory bound: spilled to disk, applied all or nothing, exactly once.</summary>
public sealed class LargePostgresTransactionTests(TestFigures figures) : IClassFixture<TestFigures>
{
    private const int Rows = 1_000_000;
    // Held whole, 300,000 such rows took the worker past 270 MB; spilled past the bound it stays near its idle size.
    private const long PeakRssBoundBytes = 200L << 20;

    [Fact]
    public async Task ATransactionLargerThanTheBoundIsAllOrNothingAcrossAKillAndAppliedOnce()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("bigpg", "CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, s text NOT NULL);");
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "bigpg-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
            IncrementalMemoryLimit = 1 << 20, // all but a few hundred rows wait in a spill file
        });
        var pid = h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);

        // The target must only ever show none or all of the source transaction.
        using var stopWatching = new CancellationTokenSource();
        var seen = new HashSet<long>();
        var watching = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                seen.Add(await TableSnapshot.CountAsync(h.Target, db, "t"));
                await Task.Delay(50);
            }
        });
        await TestPostgres.ExecuteAsync($"INSERT INTO {TestPostgres.Quote(schema)}.t SELECT g, g * 7, 'abcdefgh' FROM generate_series(1, {Rows}) g");

        // Killed while part of it is written in the still open target transaction.
        await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(h.Target,
                "SELECT COALESCE(MAX(trx_rows_modified), 0) FROM information_schema.INNODB_TRX").Result) > 10_000,
            TimeSpan.FromSeconds(60), "the target transaction to hold part of the rows");
        EngineHarness.KillAndReap(pid);
        await EngineHarness.WaitUntilAsync(() => !h.Service.IsWorkerAlive(task.Name, Direction.Forward), TimeSpan.FromSeconds(10), "the worker to die");
        pid = h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() => TableSnapshot.CountAsync(h.Target, db, "t").Result == Rows, TimeSpan.FromSeconds(300), "every row to arrive");
        var peak = Incremental.LargeTransactionTests.PeakResidentBytes(pid);
        stopWatching.Cancel();
        await watching;
        figures.Print($"{Rows:N0}-row PostgreSQL transaction spilled to disk: worker peak RSS (VmHWM) {peak >> 20} MB, bound {PeakRssBoundBytes >> 20} MB");

        Assert.Equal(7L * Rows * (Rows + 1) / 2, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT SUM(v) FROM t", db)));
        Assert.Subset(new HashSet<long> { 0, Rows }, seen);
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        Assert.True(peak < PeakRssBoundBytes, $"the worker's peak RSS was {peak >> 20} MB, above the {PeakRssBoundBytes >> 20} MB bound");
    }
}
