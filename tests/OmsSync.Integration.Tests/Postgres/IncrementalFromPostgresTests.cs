using Npgsql;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Changes read from PostgreSQL through logical replication (pgoutput) and applied to MariaDB by the background worker.</summary>
public sealed class IncrementalFromPostgresTests
{
    private static MigrationTask NewTask(EngineHarness h, string schema, string db, string prefix) => h.AddTask(new MigrationTask
    {
        Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
        Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
        MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
    });

    private static string SlotOf(MigrationTask task) => Engine.Postgres.Logical.ReplicationObjects.Name(task, Direction.Forward);

    /// <summary>Waits until the MariaDB query returns the value, showing the worker's log if it does not.</summary>
    private static async Task WaitForMySqlAsync(EngineHarness h, string task, string sql, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? actual = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                actual = Convert.ToString(await TestServers.ScalarAsync(h.Target, sql));
            }
            catch (MySqlConnector.MySqlException)
            {
                actual = null; // schema migration has not created it yet
            }
            if (actual == expected) return;
            if (h.Service.Status(task, Direction.Forward).Status == TaskStatus.Failed) break;
            await Task.Delay(200);
        }
        var log = File.Exists(h.Service.Home.WorkerLog(task, Direction.Forward)) ? File.ReadAllText(h.Service.Home.WorkerLog(task, Direction.Forward)) : "";
        Assert.Fail($"expected {expected}, got {actual}; task {h.Service.Status(task, Direction.Forward).Status}: {h.Service.Status(task, Direction.Forward).Message}\n{log}");
    }

    [Fact]
    public async Task ChangesOfAKindTheDirectionDoesNotApplyAreDropped()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("frompgdml", """
            CREATE TABLE items (id int PRIMARY KEY, v text);
            INSERT INTO items VALUES (1, 'a'), (2, 'b');
            CREATE TABLE gone (id int PRIMARY KEY);
            INSERT INTO gone VALUES (1), (2);
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = NewTask(h, schema, db, "frompgdml") with { ForwardDmlTypes = DmlTypes.Insert | DmlTypes.Update };
        h.Service.Tasks.Update(task);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);

        // The delete and the TRUNCATE come first: once the later insert and update are on the target, they were read and dropped.
        await TestPostgres.ExecuteAsync($"""
            SET search_path TO {TestPostgres.Quote(schema)};
            DELETE FROM items WHERE id = 2;
            TRUNCATE gone;
            INSERT INTO items VALUES (3, 'c');
            UPDATE items SET v = 'A' WHERE id = 1;
            """);
        await WaitForMySqlAsync(h, task.Name, $"SELECT GROUP_CONCAT(CONCAT(id, v) ORDER BY id) FROM `{db}`.items", "1A,2b,3c");
        Assert.Equal("1,2", await TestServers.ScalarAsync(h.Target, $"SELECT GROUP_CONCAT(id ORDER BY id) FROM `{db}`.gone"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        Assert.Contains("applies only Insert, Update changes (-DmlTypes)", File.ReadAllText(h.Service.Home.WorkerLog(task.Name, Direction.Forward)));
    }

    [Fact]
    public async Task EveryTypeUnchangedToastAndTruncateArriveThroughLogicalReplication()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("frompginc", PostgresToMySqlTests.NativeSchema + """
            CREATE TABLE docs (id int PRIMARY KEY, title text, body text);
            ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
            CREATE TABLE loose (v int, w text);
            ALTER TABLE loose REPLICA IDENTITY FULL;
            CREATE TABLE gone (id int PRIMARY KEY);
            INSERT INTO gone VALUES (1), (2);
            CREATE TABLE parts (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
            CREATE TABLE parts_eu PARTITION OF parts FOR VALUES IN ('eu');
            CREATE TABLE parts_us PARTITION OF parts FOR VALUES IN ('us');
            INSERT INTO parts VALUES (1, 'eu'), (2, 'us');
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = NewTask(h, schema, db, "frompginc");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);

        var big = string.Concat(Enumerable.Range(0, 3000).Select(i => (char)('a' + i * 7919 % 26)));
        await TestPostgres.ExecuteAsync($"SET search_path TO {TestPostgres.Quote(schema)};\n" + PostgresToMySqlTests.NativeRows + $"""
            INSERT INTO docs VALUES (1, 'first', '{big}'), (2, 'second', 'short');
            UPDATE docs SET title = 'renamed' WHERE id = 1;
            UPDATE docs SET id = 3 WHERE id = 2;
            INSERT INTO loose VALUES (1, 'a'), (1, 'a'), (2, 'b'), (NULL, NULL);
            DELETE FROM loose WHERE ctid = (SELECT ctid FROM loose WHERE v = 1 LIMIT 1);
            UPDATE loose SET w = 'c' WHERE v = 2;
            UPDATE loose SET v = 3 WHERE v IS NULL;
            INSERT INTO parts VALUES (3, 'eu'), (4, 'us');
            UPDATE parts SET region = 'us' WHERE id = 1;
            BEGIN; TRUNCATE gone; INSERT INTO gone VALUES (7); COMMIT;
            """);
        await WaitForMySqlAsync(h, task.Name, $"SELECT GROUP_CONCAT(id) FROM `{db}`.gone", "7");
        Assert.Equal(PostgresToMySqlTests.ExpectedRows, await PostgresToMySqlTests.NativeRowsAsync(h.Target, db));
        Assert.Equal($"1|renamed|{big}", await TestServers.ScalarAsync(h.Target, $"SELECT CONCAT_WS('|', id, title, body) FROM `{db}`.docs WHERE id = 1"));
        Assert.Equal("3|second|short", await TestServers.ScalarAsync(h.Target, $"SELECT CONCAT_WS('|', id, title, body) FROM `{db}`.docs WHERE id <> 1"));
        Assert.Equal("1a,2c,3-", await TestServers.ScalarAsync(h.Target,
            $"SELECT GROUP_CONCAT(CONCAT(COALESCE(v, '-'), COALESCE(w, '-')) ORDER BY v) FROM `{db}`.loose"));
        Assert.Equal("1us,2us,3eu,4us", await TestServers.ScalarAsync(h.Target, $"SELECT GROUP_CONCAT(CONCAT(id, region) ORDER BY id) FROM `{db}`.parts"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        // Idle: the heartbeat moves the checkpoint, and the slot is told it may let the WAL go up to where writing stopped.
        var written = await TestPostgres.ScalarAsync("SELECT pg_current_wal_lsn()::text");
        await EngineHarness.WaitUntilAsync(() => Convert.ToBoolean(TestPostgres.ScalarAsync(
                $"SELECT confirmed_flush_lsn >= '{written}'::pg_lsn FROM pg_replication_slots WHERE slot_name = '{SlotOf(task)}'").Result),
            TimeSpan.FromSeconds(20), "the slot to be acknowledged past the last change");
    }

    [Fact]
    public async Task RowFiltersColumnsAndRenamesApplyToChangesToo()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pgfilt", """
            CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, secret text, total numeric(8,2), placed timestamptz);
            INSERT INTO orders VALUES (1, 'paid', 's', 1.00, '2024-01-01'), (2, 'new', 's', 2.00, '2024-01-01'), (3, 'paid', 's', 3.00, '2024-01-01'),
                                      (4, 'paid', 's', 4.00, '2024-01-01');
            """);
        var orders = $"{TestPostgres.Quote(schema)}.orders";
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pgfilt-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.orders"], Renames = new Dictionary<string, string> { [schema] = db, [$"{schema}.orders"] = $"{db}.paid" },
            // PostgreSQL's own SQL, evaluated by the source on the typed images.
            RowFilters = new Dictionary<string, string> { [$"{schema}.orders"] = "status = 'paid' AND total < 100 AND placed >= '2023-06-01'::timestamptz" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{schema}.orders"] = ["id", "status", "total"] },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        // Whether an update or delete crosses the filter needs whole before-images.
        var refused = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.Contains(refused, r => r.Check == "ReplicaIdentity" && r.Status == Engine.PreCheck.CheckStatus.Fail && r.Message.Contains("REPLICA IDENTITY FULL"));
        await TestPostgres.ExecuteAsync($"ALTER TABLE {orders} REPLICA IDENTITY FULL");
        Assert.DoesNotContain(await h.Service.TestTaskAsync(task.Name, CancellationToken.None), r => r.Status == Engine.PreCheck.CheckStatus.Fail);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        await TestPostgres.ExecuteAsync($"""
            SET search_path TO {TestPostgres.Quote(schema)};
            INSERT INTO orders VALUES (5, 'paid', 's', 5.00, now()), (6, 'new', 's', 6.00, now()), (7, 'paid', 's', 700.00, now());
            UPDATE orders SET status = 'paid' WHERE id = 2;
            UPDATE orders SET status = 'new' WHERE id = 3;
            UPDATE orders SET total = 10.50 WHERE id = 4;
            DELETE FROM orders WHERE id = 1;
            UPDATE orders SET total = 9 WHERE id = 6;
            """);
        await WaitForMySqlAsync(h, task.Name, $"SELECT GROUP_CONCAT(CONCAT(id, ':', total) ORDER BY id) FROM `{db}`.paid", "2:2.00,4:10.50,5:5.00");
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND COLUMN_NAME = 'secret'")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task KilledRepeatedlyDuringCaptureNothingLostNothingTwice()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pgkill", """
            CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, n int NOT NULL DEFAULT 0);
            INSERT INTO accounts SELECT g, 1000, 0 FROM generate_series(1, 2000) g;
            CREATE TABLE ledger (txn bigint NOT NULL, account int NOT NULL, amount int NOT NULL);
            ALTER TABLE ledger REPLICA IDENTITY FULL;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = NewTask(h, schema, db, "pgkill");

        using var stopWriting = new CancellationTokenSource();
        long transactions = 0;
        var writer = Task.Run(async () =>
        {
            // Each source transaction moves money and appends to a keyless ledger: a transaction applied twice doubles its ledger rows.
            await using var connection = await TestPostgres.OpenAsync();
            var random = new Random(9);
            while (!stopWriting.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref transactions);
                var (a, b, amount) = (random.Next(1, 2001), random.Next(1, 2001), random.Next(1, 50));
                await using var command = new NpgsqlCommand($"""
                    BEGIN;
                    UPDATE {TestPostgres.Quote(schema)}.accounts SET balance = balance - {amount}, n = n + 1 WHERE id = {a};
                    UPDATE {TestPostgres.Quote(schema)}.accounts SET balance = balance + {amount}, n = n + 1 WHERE id = {b};
                    INSERT INTO {TestPostgres.Quote(schema)}.ledger VALUES ({n}, {a}, -{amount}), ({n}, {b}, {amount});
                    COMMIT;
                    """, connection);
                await command.ExecuteNonQueryAsync();
            }
        });

        await h.KillRepeatedlyAsync(task.Name, times: 4, seed: 17);
        await Task.Delay(1000);
        stopWriting.Cancel();
        await writer;
        Assert.True(transactions > 100, $"only {transactions} source transactions were written");

        var sums = (string)(await TestPostgres.ScalarAsync(
            $"SELECT sum(balance) || '/' || sum(n) || '/' || (SELECT count(*) FROM {TestPostgres.Quote(schema)}.ledger) FROM {TestPostgres.Quote(schema)}.accounts"))!;
        await WaitForMySqlAsync(h, task.Name, $"SELECT CONCAT(SUM(balance), '/', SUM(n), '/', (SELECT COUNT(*) FROM `{db}`.ledger)) FROM `{db}`.accounts", sums);
        Assert.Equal(transactions * 2, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, $"SELECT COUNT(DISTINCT txn, account, amount) FROM `{db}`.ledger")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        // The slot is never acknowledged past what the target holds.
        var checkpoint = (string)(await TestServers.ScalarAsync(h.Target, $"SELECT position FROM oms.checkpoints WHERE task = '{task.OmsKey}'"))!;
        var lsn = System.Text.Json.JsonDocument.Parse(checkpoint).RootElement.GetProperty("Lsn").GetString();
        Assert.True(Convert.ToBoolean(await TestPostgres.ScalarAsync(
            $"SELECT confirmed_flush_lsn <= '{lsn}'::pg_lsn FROM pg_replication_slots WHERE slot_name = '{SlotOf(task)}'")), "the slot is ahead of the target's checkpoint");
    }
}
