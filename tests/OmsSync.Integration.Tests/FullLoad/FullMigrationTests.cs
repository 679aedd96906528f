using Xunit;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>Schema and full migration between two real MariaDB servers, run in-process.</summary>
public sealed class FullMigrationTests
{
    [Fact]
    public async Task EveryTypeRoundTripsExactly()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "types", FullMigrationTestsData.AllTypesTable);
        await TestServers.ExecuteAsync(h.Source, FullMigrationTestsData.AllTypesRows.Replace("'not latin1'", "'not latin1'"), db);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "types-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
        });

        await RunInProcessAsync(h, task);

        var expected = await TableSnapshot.ReadAsync(h.Source, db, "all_types", "id");
        var actual = await TableSnapshot.ReadAsync(h.Target, target, "all_types", "id");
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ManyChunksInParallelLoseAndDuplicateNothing()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "chunks", """
            CREATE TABLE wide (a INT NOT NULL, b VARCHAR(20) NOT NULL, payload VARCHAR(200), PRIMARY KEY (a, b)) DEFAULT CHARSET=utf8mb4 COLLATE utf8mb4_general_ci;
            INSERT INTO wide SELECT s.seq % 97, CONCAT(IF(s.seq % 2 = 0, 'K', 'k'), s.seq), REPEAT('x', s.seq % 200) FROM seq_1_to_60000 s;
            CREATE TABLE nokey (v INT, w VARCHAR(10));
            INSERT INTO nokey SELECT seq % 10, 'dup' FROM seq_1_to_1000;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "chunks-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            ReadConcurrency = 3, WriteConcurrency = 3, ChunkRows = 7_000,
        });

        await RunInProcessAsync(h, task);

        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "wide", "a, b"), await TableSnapshot.ReadAsync(h.Target, target, "wide", "a, b"));
        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "nokey", "v, w"), await TableSnapshot.ReadAsync(h.Target, target, "nokey", "v, w"));
        var progress = h.Service.Runtime.TableProgress(task.Name).Single(p => p.SourceTable == $"{db}.wide");
        Assert.Equal(60000, progress.RowsCopied);
        Assert.True(progress.ChunksTotal > 3, $"expected several chunks, got {progress.ChunksTotal}");
        Assert.Equal(progress.ChunksTotal, progress.ChunksDone);
    }

    [Fact]
    public async Task RowFilterColumnsAndTableRenameApply()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "filt", """
            CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(10) NOT NULL, secret VARCHAR(20), total DECIMAL(8,2));
            INSERT INTO orders SELECT seq, IF(seq % 3 = 0, 'paid', 'new'), 'hidden', seq * 1.5 FROM seq_1_to_300;
            CREATE TABLE skipped (id INT PRIMARY KEY);
            """);
        var target = await h.CreateDatabaseAsync(h.Target, "filt_t");
        var task = h.AddTask(new MigrationTask
        {
            Name = "filt-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Exclude = [$"{db}.skip*"],
            Renames = new Dictionary<string, string> { [$"{db}.orders"] = $"{target}.paid_orders" },
            RowFilters = new Dictionary<string, string> { [$"{db}.orders"] = "status = 'paid'" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.orders"] = ["id", "status", "total"] },
        });

        await RunInProcessAsync(h, task);

        Assert.Equal(100L, await TableSnapshot.CountAsync(h.Target, target, "paid_orders"));
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{target}' AND COLUMN_NAME = 'secret'")));
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('{target}', '{db}') AND TABLE_NAME = 'skipped'")));
        Assert.Equal(450m, Convert.ToDecimal(await TestServers.ScalarAsync(h.Target, $"SELECT MAX(total) FROM `{target}`.paid_orders")));
    }

    [Fact]
    public async Task NonEmptyTargetStopRefusesAndIgnoreKeepsTargetRowsAndRecordsThem()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "nonempty", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
            INSERT INTO t VALUES (1, 'src1'), (2, 'src2'), (3, 'src3');
            """);
        var target = await h.CreateDatabaseAsync(h.Target, "nonempty_t", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
            INSERT INTO t VALUES (2, 'target2');
            """);
        var stop = h.AddTask(new MigrationTask
        {
            Name = "ne-stop-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.t"], Renames = new Dictionary<string, string> { [db] = target }, MigrationTypes = MigrationTypes.Full,
        });
        var error = await Assert.ThrowsAsync<OmsSync.Engine.Errors.OmsException>(() => RunInProcessAsync(h, stop));
        Assert.Equal("TargetTableNotEmpty", error.ErrorId);
        Assert.Contains($"{target}.t", error.Message);
        Assert.Equal(1L, await TableSnapshot.CountAsync(h.Target, target, "t"));

        var ignore = h.AddTask(stop with { Name = "ne-ign-" + Guid.NewGuid().ToString("N")[..8], NonEmptyTarget = NonEmptyTargetAction.Ignore });
        await RunInProcessAsync(h, ignore);
        Assert.Equal(3L, await TableSnapshot.CountAsync(h.Target, target, "t"));
        Assert.Equal("target2", await TestServers.ScalarAsync(h.Target, $"SELECT v FROM `{target}`.t WHERE id = 2"));
        var conflict = Assert.Single(h.Service.Conflicts.List(ignore.Name));
        Assert.Equal(OmsSync.Engine.Conflicts.ConflictType.InsertExists, conflict.Type);
        Assert.Contains("\"id\":\"2\"", conflict.Key);
        Assert.Contains("src2", conflict.SourceAfter);
        Assert.Contains("target2", conflict.TargetRow);
    }

    [Fact]
    public async Task TheInsertFallbackKeepsEveryTypeExact()
    {
        // Targets with local_infile OFF get multi-row INSERTs; the bytes must come out the same.
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "fallback", FullMigrationTestsData.AllTypesTable);
        await TestServers.ExecuteAsync(h.Source, FullMigrationTestsData.AllTypesRows, db);
        var target = await h.CreateDatabaseAsync(h.Target, "fallback_t", FullMigrationTestsData.AllTypesTable);
        var task = h.AddTask(new MigrationTask
        {
            Name = "fallback-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target }, MigrationTypes = MigrationTypes.Full,
        });
        var objects = await MySqlTaskObjects.ResolveAsync(h.Service.Endpoint(h.SourceName), task, CancellationToken.None);
        var runner = Engine.MySql.Copy.MySqlFullLoad.Runner(h.Service.Endpoint(h.SourceName), h.Service.Endpoint(h.TargetName), task,
            h.Service.Runtime, h.Service.Conflicts, bulkLoad: false);
        await runner.RunAsync(objects.Tables.Select(t => (t.Mapping, t.Schema)).ToList(), CancellationToken.None);
        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "all_types", "id"), await TableSnapshot.ReadAsync(h.Target, target, "all_types", "id"));
    }

    [Fact]
    public async Task RowsPerSecondHoldsTheCopyBack()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "throttle", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));
            INSERT INTO t SELECT seq, 'x' FROM seq_1_to_6000;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "throttle-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target }, RowsPerSecond = 3_000,
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await RunInProcessAsync(h, task);
        // 6,000 rows at 3,000 rows/s: the first quarter-second batch goes at once, the rest is paced.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"copied in {clock.Elapsed.TotalSeconds:0.00} s despite the limit");
        Assert.Equal(6000L, await TableSnapshot.CountAsync(h.Target, target, "t"));
        Assert.True(h.Service.Runtime.TableProgress(task.Name).Single().ChunksTotal >= 8, "chunks are cut to the limit's pace");
    }

    internal static async Task RunInProcessAsync(EngineHarness h, MigrationTask task)
    {
        var log = new List<string>();
        var runner = new Engine.Pipeline.PhaseRunner(h.Service.Store, task, Direction.Forward, log.Add);
        await runner.RunAsync(CancellationToken.None);
    }
}
