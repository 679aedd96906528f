using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Tasks;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.Infrastructure;
using OmsSync.Integration.Tests.Verification;
using Xunit;

namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>Full migration of chosen partitions (-Partition) of a RANGE-partitioned MariaDB table.</summary>
public sealed class PartitionMigrationTests
{
    // Four yearly partitions with rows in each; the key holds the partitioning column, as MariaDB requires.
    private static string SalesTable(int rows) => $"""
        CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, amount DECIMAL(10,2), note VARCHAR(40), PRIMARY KEY (id, sold))
        PARTITION BY RANGE (YEAR(sold)) (
            PARTITION p2024 VALUES LESS THAN (2025), PARTITION p2025 VALUES LESS THAN (2026),
            PARTITION p2026 VALUES LESS THAN (2027), PARTITION pmax VALUES LESS THAN MAXVALUE);
        INSERT INTO sales SELECT seq, DATE '2024-01-01' + INTERVAL (seq % 1460) DAY, seq * 0.25, CONCAT('sale ', seq) FROM seq_1_to_{rows};
        ANALYZE TABLE sales;
        CREATE TABLE expected AS SELECT * FROM sales PARTITION (p2025, p2026);
        CREATE TABLE plain (id INT PRIMARY KEY);
        """;

    /// <summary>A source database with the sales table of <paramref name="rows"/> rows, and the name its copy takes on the target.</summary>
    private static async Task<(string Db, string Target)> SalesDatabaseAsync(EngineHarness h, string prefix, int rows)
    {
        var db = await h.CreateDatabaseAsync(h.Source, prefix, SalesTable(rows));
        h.Track(h.Target, db + "_t");
        return (db, db + "_t");
    }

    private static MigrationTask SalesTask(EngineHarness h, string db, string target, string prefix) => new()
    {
        Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
        Include = [$"{db}.sales"], Renames = new Dictionary<string, string> { [db] = target },
        Partitions = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.SALES"] = ["p2025", "P2026"] },
        MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
    };

    [Fact]
    public async Task OnlyTheChosenPartitionsAreCopiedEstimatedAndVerified()
    {
        await using var h = EngineHarness.Create();
        var (db, target) = await SalesDatabaseAsync(h, "part", 20_000);
        var task = h.AddTask(SalesTask(h, db, target, "part") with { ChunkRows = 1_500, ReadConcurrency = 2, WriteConcurrency = 2 });

        await FullMigrationTests.RunInProcessAsync(h, task);

        var expected = await TableSnapshot.ReadAsync(h.Source, db, "expected", "id, sold");
        Assert.InRange(expected.Count, 9_000, 11_000);
        Assert.Equal(expected, await TableSnapshot.ReadAsync(h.Target, target, "sales", "id, sold"));
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT COUNT(*) FROM sales WHERE YEAR(sold) NOT IN (2025, 2026)", target)));
        // The estimate and the chunks are of the chosen partitions, not of the whole table.
        var progress = h.Service.Runtime.TableProgress(task.Name).Single();
        Assert.Equal(expected.Count, progress.RowsCopied);
        Assert.InRange(progress.RowsEstimate, expected.Count / 2, expected.Count * 3 / 2);
        Assert.InRange(progress.ChunksTotal, 6, 9);

        // Verification reads the same partitions on the source: rows of the others, old or new, are no difference.
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO sales VALUES (900001, '2024-06-01', 1, 'later'), (900002, '2030-01-01', 1, 'later')", db);
        var clean = await VerificationHarness.VerifyAsync(h, task);
        VerificationHarness.AssertNoDifferences(clean);
        Assert.Equal(expected.Count, clean.Table($"{db}.sales").SourceRows);
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO sales VALUES (900003, '2025-06-01', 1, 'later')", db);
        var found = await VerificationHarness.VerifyAsync(h, task);
        Assert.Equal(DifferenceKind.MissingOnTarget, Assert.Single(found.Differences).Kind);
    }

    [Fact]
    public async Task AKilledWorkerResumesWithinThePartitions()
    {
        await using var h = EngineHarness.Create();
        var (db, target) = await SalesDatabaseAsync(h, "partres", 60_000);
        var task = h.AddTask(SalesTask(h, db, target, "partres") with { ChunkRows = 2_000, RowsPerSecond = 10_000, AutoRestart = false });

        await h.KillDuringFullLoadAsync(task.Name, 3);
        Assert.InRange(await TableSnapshot.CountAsync(h.Target, target, "sales"), 1, 29_999);
        await h.ResumeToCompletionAsync(task);

        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "expected", "id, sold"), await TableSnapshot.ReadAsync(h.Target, target, "sales", "id, sold"));
    }

    [Fact]
    public async Task PartitionsThatDoNotFitAreRefusedBeforeAnythingIsStoredOrCopied()
    {
        await using var h = EngineHarness.Create();
        var (db, target) = await SalesDatabaseAsync(h, "partbad", 100);
        var tasks = new TaskService(h.Service);

        // A table the task does not migrate, and an empty list: refused by New-OmsTask's checks, no task stored.
        NewTaskRequest Request(string name, string key, object? value) => new()
        {
            Name = name, Source = h.SourceName, Target = h.TargetName, Include = [$"{db}.sales"], MigrationTypes = [MigrationTypes.Full],
            Partitions = new Dictionary<string, object?> { [key] = value },
        };
        var outside = Assert.Throws<OmsException>(() => tasks.PlanCreate(Request("part-out", $"{db}.plain", "p2025")));
        Assert.Equal("PartitionTableNotInTask", outside.ErrorId);
        Assert.Contains($"'{db}.plain'", outside.Message);
        var empty = Assert.Throws<OmsException>(() => tasks.PlanCreate(Request("part-empty", $"{db}.sales", Array.Empty<string>())));
        Assert.Equal("InvalidPartitionValue", empty.ErrorId);
        Assert.Null(h.Service.Tasks.Find("part-out"));
        Assert.Null(h.Service.Tasks.Find("part-empty"));
        // A PostgreSQL source's partitions are tables of their own.
        var postgres = Assert.Throws<OmsException>(() => tasks.PlanCreate(Request("part-pg", "public.sales", "p2025") with { Source = h.Postgres, Include = ["public.sales"] }));
        Assert.Equal("PartitionNotSupported", postgres.ErrorId);

        // A partition the table lacks, and a table that is not partitioned: the pre-check names them, and the worker
        // refuses before it creates anything on the target.
        var unknown = h.AddTask(SalesTask(h, db, target, "part-unknown") with
        {
            Partitions = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.sales"] = ["p2025", "p1999"] },
        });
        var notPartitioned = h.AddTask(SalesTask(h, db, target, "part-plain") with
        {
            Include = [$"{db}.plain"], Partitions = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.plain"] = ["p2025"] },
        });
        foreach (var (task, words) in new[] { (unknown, "'p1999'"), (notPartitioned, "not partitioned") })
        {
            var results = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
            var failed = Assert.Single(results, r => r.Check == "Partition" && r.Status == CheckStatus.Fail);
            Assert.Contains(words, failed.Message);
            Assert.Contains("Set-OmsTask -Partition", failed.Message);
            var error = await Assert.ThrowsAsync<OmsException>(() => FullMigrationTests.RunInProcessAsync(h, task));
            Assert.Equal("SourceNotReady", error.ErrorId);
            Assert.Contains(words, error.Message);
            Assert.Null(await TestServers.ScalarAsync(h.Target, $"SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{target}'"));
        }
        Assert.Contains("p2024, p2025, p2026, pmax", (await h.Service.TestTaskAsync(unknown.Name, CancellationToken.None)).Single(r => r.Check == "Partition").Message);
    }
}
