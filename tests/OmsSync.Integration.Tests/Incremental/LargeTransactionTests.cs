using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>A source transaction far larger than the worker's memory bound for assembled transactions.</summary>
public sealed class LargeTransactionTests(ITestOutputHelper output, TestFigures figures) : IClassFixture<TestFigures>
{
    private const int Rows = 1_000_000;
    private const long PeakRssBoundBytes = 400L << 20;

    [Fact]
    public async Task AMillionRowTransactionAppliesWithBoundedWorkerMemory()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "incbig", "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, s CHAR(4) NOT NULL);");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = IncrementalTests.NewTask(h, db, target, "incbig", autoRestart: false);
        var pid = h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        // One source transaction of a million rows, then a small one after it.
        await TestServers.ExecuteAsync(h.Source, $"INSERT INTO t SELECT seq, seq * 7, 'abcd' FROM seq_1_to_{Rows}; INSERT INTO t VALUES (0, 0, 'last');", db);
        var end = await SourcePositionAsync(h);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await EngineHarness.WaitUntilAsync(() =>
            {
                if (h.Service.Status(task.Name, Direction.Forward).Status is TaskStatus.Failed or TaskStatus.Suspended)
                    throw new InvalidOperationException($"task stopped: {h.Service.Status(task.Name, Direction.Forward).Message}");
                return CheckpointAsync(h, task.OmsKey).Result is { } at && CheckpointPosition.Compare(at, end) >= 0;
            }, TimeSpan.FromSeconds(300), "the checkpoint to pass the large transaction"); // a liveness bound, not a speed target
        }
        finally
        {
            output.WriteLine(File.ReadAllText(h.Service.Home.WorkerLog(task.Name, Direction.Forward)));
        }
        var peak = PeakResidentBytes(pid);
        figures.Print($"1,000,000-row source transaction: worker peak RSS (VmHWM) {peak >> 20} MB, bound {PeakRssBoundBytes >> 20} MB; applied in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(Rows + 1L, await TableSnapshot.CountAsync(h.Target, target, "t"));
        Assert.Equal(7L * Rows * (Rows + 1) / 2, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT SUM(v) FROM t", target)));
        Assert.Contains("spilled", File.ReadAllText(h.Service.Home.WorkerLog(task.Name, Direction.Forward)));
        Assert.Empty(Directory.EnumerateFiles(h.Service.Home.SpillDirectory, "*", SearchOption.AllDirectories));
        Assert.True(peak < PeakRssBoundBytes, $"the worker's peak RSS was {peak >> 20} MB, above the {PeakRssBoundBytes >> 20} MB bound");
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task AWorkerKilledInsideASpilledTransactionLeavesNoneOfItAndTheNextAppliesItOnce()
    {
        // Large enough that the target transaction stays open for a while as it fills: the kill must land inside it.
        const int rows = 300_000;
        await using var h = EngineHarness.Create();
        // Keyless, so a transaction applied twice would show as doubled rows rather than as conflicts.
        var db = await h.CreateDatabaseAsync(h.Source, "incbigkill", "CREATE TABLE k (v INT NOT NULL, s CHAR(4) NOT NULL);");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = IncrementalTests.NewTask(h, db, target, "incbigkill", autoRestart: false) with { IncrementalMemoryLimit = 1 << 20 };
        h.Service.Tasks.Update(task);
        var pid = h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        var log = h.Service.Home.WorkerLog(task.Name, Direction.Forward);

        // The target must only ever show none or all of the source transaction.
        using var stopWatching = new CancellationTokenSource();
        var seen = new HashSet<long>();
        var watching = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                seen.Add(await TableSnapshot.CountAsync(h.Target, target, "k"));
                await Task.Delay(50);
            }
        });

        await TestServers.ExecuteAsync(h.Source, $"INSERT INTO k SELECT seq, 'abcd' FROM seq_1_to_{rows}", db);
        var end = await SourcePositionAsync(h);
        await EngineHarness.WaitUntilAsync(() => File.ReadAllText(log).Contains("spilled to disk"), TimeSpan.FromSeconds(60), "the spilled transaction to be applied");
        // Kill once part of it is written in the still open target transaction.
        await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(h.Target,
                "SELECT COALESCE(MAX(trx_rows_modified), 0) FROM information_schema.INNODB_TRX").Result) > 1_000,
            TimeSpan.FromSeconds(60), "the target transaction to hold part of the rows");
        Assert.NotEmpty(Directory.EnumerateFiles(h.Service.Home.SpillDirectory, "*", SearchOption.AllDirectories));
        EngineHarness.KillAndReap(pid);
        Assert.True(await CheckpointAsync(h, task.OmsKey) is { } killedAt && CheckpointPosition.Compare(killedAt, end) < 0, "the worker was killed before the transaction committed");

        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() => CheckpointAsync(h, task.OmsKey).Result is { } at && CheckpointPosition.Compare(at, end) >= 0,
            TimeSpan.FromSeconds(120), "the checkpoint to pass the large transaction");
        stopWatching.Cancel();
        await watching;

        Assert.Equal(rows, await TableSnapshot.CountAsync(h.Target, target, "k"));
        Assert.Equal((long)rows * (rows + 1) / 2, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT SUM(v) FROM k", target)));
        Assert.Subset(new HashSet<long> { 0, rows }, seen);
        // The killed worker's spill file was removed when the next one started; the next one's went with its transaction.
        Assert.Empty(Directory.EnumerateFiles(h.Service.Home.SpillDirectory, "*", SearchOption.AllDirectories));
    }

    /// <summary>The process's peak resident set size, from /proc (VmHWM).</summary>
    internal static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
    }

    private static async Task<BinlogPosition> SourcePositionAsync(EngineHarness h)
    {
        await using var connection = await TestServers.OpenMySqlAsync(h.Source);
        await using var command = new MySqlCommand("SHOW MASTER STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the source's binlog is on");
        return new BinlogPosition(reader.GetString(0), reader.GetInt64(1), null, BinlogServerFlavor.MariaDb);
    }

    private static async Task<BinlogPosition?> CheckpointAsync(EngineHarness h, string task)
    {
        var stored = await TestServers.ScalarAsync(h.Target, $"SELECT position FROM oms.checkpoints WHERE task = '{task}' AND direction = 'Forward'");
        return stored is string text ? CheckpointPosition.Parse(text) : null;
    }
}
