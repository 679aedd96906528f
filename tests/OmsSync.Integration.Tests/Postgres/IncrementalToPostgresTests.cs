using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Changes read from the MariaDB binlog and applied to PostgreSQL by the background worker.</summary>
public sealed class IncrementalToPostgresTests
{
    private static MigrationTask NewTask(EngineHarness h, string db, string schema, string prefix) => h.AddTask(new MigrationTask
    {
        Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres, AutoRestart = false,
        Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
        MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
    });

    internal static Task WaitForIncrementalAsync(EngineHarness h, string task) =>
        EngineHarness.WaitUntilAsync(() =>
        {
            var s = h.Service.Status(task, Direction.Forward);
            if (s.Status is TaskStatus.Failed) throw new InvalidOperationException($"task failed: {s.Message}");
            return s.Phase == TaskPhase.Incremental && s.Status == TaskStatus.Running;
        }, TimeSpan.FromSeconds(60), "the incremental phase");

    /// <summary>Waits until the PostgreSQL query returns the value, showing the worker's log if it does not.</summary>
    internal static async Task WaitForPostgresAsync(EngineHarness h, string task, string sql, string expected, Direction direction = Direction.Forward)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? actual = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                actual = Convert.ToString(await TestPostgres.ScalarAsync(sql));
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                actual = null; // schema migration has not created it yet
            }
            if (actual == expected) return;
            if (h.Service.Status(task, direction).Status == TaskStatus.Failed) break;
            await Task.Delay(200);
        }
        var log = File.Exists(h.Service.Home.WorkerLog(task, direction)) ? File.ReadAllText(h.Service.Home.WorkerLog(task, direction)) : "";
        Assert.Fail($"expected {expected}, got {actual}; task {h.Service.Status(task, direction).Status}: {h.Service.Status(task, direction).Message}\n{log}");
    }

    [Fact]
    public async Task EveryMappedTypeArrivesExactlyThroughTheBinlog()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "inctopg", PostgresTestData.MySqlTable + ";\nCREATE TABLE loose (v INT, w VARCHAR(10));");
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = NewTask(h, db, schema, "inctopg");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForIncrementalAsync(h, task.Name);

        await TestServers.ExecuteAsync(h.Source, PostgresTestData.MySqlRows, db);
        await TestServers.ExecuteAsync(h.Source, """
            SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
            UPDATE pg_types SET de = -de, u4 = CONCAT(u4, '✓'), b64 = b'1010', t = '12:00:00.5', j = '{"x": null}', e = 'b', s = 'y', ts = '2001-02-03 04:05:06.7' WHERE id = 1;
            UPDATE pg_types SET id = 100 WHERE id = 2;
            DELETE FROM pg_types WHERE id = 3;
            INSERT INTO loose VALUES (1, 'a'), (1, 'a'), (2, 'b'), (NULL, NULL);
            DELETE FROM loose WHERE v = 1 LIMIT 1;
            UPDATE loose SET w = 'c' WHERE v = 2;
            UPDATE loose SET v = 3 WHERE v IS NULL;
            """, db);
        await WaitForPostgresAsync(h, task.Name, $"SELECT string_agg(coalesce(v::text, '-') || coalesce(w, '-'), ',' ORDER BY v) FROM {TestPostgres.Quote(schema)}.loose", "1a,2c,3-");
        Assert.Equal(3L, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT count(*) FROM {TestPostgres.Quote(schema)}.pg_types")));

        Assert.Equal(["{y}", "NULL", "{}"], await TestPostgres.ColumnAsync($"SELECT s::text FROM {TestPostgres.Quote(schema)}.pg_types ORDER BY id"));

        var back = db + "_back";
        h.Track(h.Target, back);
        var columns = PostgresTestData.ComingBack(await CanonicalRows.ColumnsAsync(h.Source, db, "pg_types"));
        var home = h.AddTask(new MigrationTask
        {
            Name = "inc-back-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.pg_types"], Renames = new Dictionary<string, string> { [schema] = back },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{schema}.pg_types"] = columns.Select(c => c.Name).ToList() },
        });
        await FullMigrationTests.RunInProcessAsync(h, home);
        CanonicalRows.AssertEqual(columns, await CanonicalRows.ReadAsync(h.Source, db, "pg_types", columns, "id"),
            await CanonicalRows.ReadAsync(h.Target, back, "pg_types", columns, "id"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        var checkpoint = await TestPostgres.ScalarAsync($"SELECT transactions FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward'");
        Assert.True(Convert.ToInt64(checkpoint) >= 2, $"checkpoint counts {checkpoint} transactions");
    }

    /// <summary>
    /// A change that finds its row gone, followed in the same run by one that breaks a unique key: both are conflicts,
    /// recorded in source order, and the one before is not taken for applied because the later one failed louder.
    /// </summary>
    [Fact]
    public async Task AMissingRowBeforeABrokenUniqueKeyIsAConflictToo()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "incuniqpg", """
            CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(10) NOT NULL UNIQUE, v INT NOT NULL);
            INSERT INTO t VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 0), (4, 'd', 0);
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = NewTask(h, db, schema, "incuniqpg");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForIncrementalAsync(h, task.Name);
        var t = $"{TestPostgres.Quote(schema)}.t";
        // The target parts from the source: row 1 is gone there, and row 3 holds the unique value row 2 is about to take.
        await TestPostgres.ExecuteAsync($"DELETE FROM {t} WHERE id = 1; UPDATE {t} SET u = 'x' WHERE id = 3");

        await TestServers.ExecuteAsync(h.Source, """
            START TRANSACTION;
            UPDATE t SET v = 1 WHERE id = 4;
            UPDATE t SET v = 1 WHERE id = 1;
            UPDATE t SET u = 'x', v = 1 WHERE id = 2;
            UPDATE t SET v = 2 WHERE id = 4;
            COMMIT;
            """, db);
        await WaitForPostgresAsync(h, task.Name, $"SELECT v FROM {t} WHERE id = 4", "2");
        var conflicts = h.Service.Conflicts.List(task.Name).OrderBy(c => c.Id).Select(c => (c.Type, c.Key)).ToList();
        Assert.Equal([(ConflictType.UpdateMissing, """{"id":"1"}"""), (ConflictType.UpdateKeyConflict, """{"id":"2"}""")], conflicts);
        // Ignore keeps the target's rows: row 1 stays away, rows 2 and 3 as they were.
        Assert.Equal(["2|b|0", "3|x|0", "4|d|2"], await TestPostgres.ColumnAsync($"SELECT concat_ws('|', id, u, v) FROM {t} ORDER BY id"));
    }

    [Fact]
    public async Task KilledRepeatedlyUnderLoadNothingLostNothingTwice()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "inckillpg", """
            CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, n INT NOT NULL DEFAULT 0);
            INSERT INTO accounts SELECT seq, 1000, 0 FROM seq_1_to_2000;
            CREATE TABLE ledger (txn BIGINT NOT NULL, account INT NOT NULL, amount INT NOT NULL);
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = NewTask(h, db, schema, "inckillpg");

        using var stopWriting = new CancellationTokenSource();
        long transactions = 0;
        var writer = Task.Run(async () =>
        {
            // Each source transaction moves money and appends to a keyless ledger: a transaction applied twice doubles its ledger rows.
            await using var connection = await TestServers.OpenMySqlAsync(h.Source, db);
            var random = new Random(5);
            while (!stopWriting.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref transactions);
                var (a, b, amount) = (random.Next(1, 2001), random.Next(1, 2001), random.Next(1, 50));
                await using var txn = await connection.BeginTransactionAsync();
                await using var command = new MySqlCommand($"""
                    UPDATE accounts SET balance = balance - {amount}, n = n + 1 WHERE id = {a};
                    UPDATE accounts SET balance = balance + {amount}, n = n + 1 WHERE id = {b};
                    INSERT INTO ledger VALUES ({n}, {a}, -{amount}), ({n}, {b}, {amount});
                    """, connection, txn);
                await command.ExecuteNonQueryAsync();
                await txn.CommitAsync();
            }
        });

        await h.KillRepeatedlyAsync(task.Name, times: 4, seed: 3);
        await Task.Delay(1000);
        stopWriting.Cancel();
        await writer;
        Assert.True(transactions > 100, $"only {transactions} source transactions were written");

        var sums = (string)(await TestServers.ScalarAsync(h.Source, $"SELECT CONCAT(SUM(balance), '/', SUM(n), '/', (SELECT COUNT(*) FROM `{db}`.ledger)) FROM `{db}`.accounts"))!;
        await WaitForPostgresAsync(h, task.Name,
            $"SELECT sum(balance) || '/' || sum(n) || '/' || (SELECT count(*) FROM {TestPostgres.Quote(schema)}.ledger) FROM {TestPostgres.Quote(schema)}.accounts", sums);
        Assert.Equal(transactions * 2, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT count(DISTINCT (txn, account, amount)) FROM {TestPostgres.Quote(schema)}.ledger")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }
}
