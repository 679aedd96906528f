using System.Diagnostics;
using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>Full migration followed by binlog replay, in the background worker, against real servers.</summary>
public sealed class IncrementalTests
{
    internal static MigrationTask NewTask(EngineHarness h, string db, string target, string prefix, bool autoRestart = true, string? source = null) => h.AddTask(new MigrationTask
    {
        AutoRestart = autoRestart,
        Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = source ?? h.SourceName, Target = h.TargetName,
        Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
        MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
    });

    internal static Task WaitForPhaseAsync(EngineHarness h, string task, TaskPhase phase) =>
        EngineHarness.WaitUntilAsync(() =>
        {
            var s = h.Service.Status(task, Direction.Forward);
            if (s.Status is TaskStatus.Failed) throw new InvalidOperationException($"task failed: {s.Message}");
            return s.Phase == phase && s.Status == TaskStatus.Running;
        }, TimeSpan.FromSeconds(60), $"phase {phase}");

    /// <summary>
    /// Waits until every listed table reads the same on both sides. A worker still moving its position gets more
    /// time (a loaded machine catches up slowly), up to a hard limit; one that stands still fails after 90 s.
    /// </summary>
    internal static async Task WaitForEqualAsync(EngineHarness h, string task, string db, string target, params (string Table, string Order)[] tables)
    {
        var started = DateTime.UtcNow;
        var deadline = started + TimeSpan.FromSeconds(90);
        var position = h.Service.Status(task, Direction.Forward).Position;
        while (true)
        {
            var moved = h.Service.Status(task, Direction.Forward).Position;
            if (moved != position)
            {
                position = moved;
                var extended = new[] { DateTime.UtcNow + TimeSpan.FromSeconds(60), started + TimeSpan.FromMinutes(5) }.Min();
                if (extended > deadline) deadline = extended;
            }
            var equal = true;
            try
            {
                foreach (var (table, order) in tables)
                    equal &= (await TableSnapshot.ReadAsync(h.Source, db, table, order)).SequenceEqual(await TableSnapshot.ReadAsync(h.Target, target, table, order));
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline)
            {
                equal = false; // the target database may not exist yet
            }
            if (equal) return;
            var state = h.Service.Status(task, Direction.Forward);
            if (DateTime.UtcNow > deadline || state.Status == TaskStatus.Failed)
            {
                var log = File.Exists(h.Service.Home.WorkerLog(task, Direction.Forward)) ? File.ReadAllLines(h.Service.Home.WorkerLog(task, Direction.Forward)) : [];
                var differences = new List<string>();
                foreach (var (table, order) in tables)
                {
                    var (source, copy) = (await TableSnapshot.ReadAsync(h.Source, db, table, order), await TableSnapshot.ReadAsync(h.Target, target, table, order));
                    differences.AddRange(source.Except(copy).Take(5).Select(r => $"{table} source only: {r}"));
                    differences.AddRange(copy.Except(source).Take(5).Select(r => $"{table} target only: {r}"));
                }
                Assert.Fail($"not equal; task {state.Status}: {state.Message}\n{string.Join("\n", differences)}\nworker log (end):\n{string.Join("\n", log.TakeLast(60))}");
            }
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task EveryTypeArrivesExactlyThroughTheBinlog()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "inctypes", FullMigrationTestsData.AllTypesTable);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "inctypes");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        await TestServers.ExecuteAsync(h.Source, FullMigrationTestsData.AllTypesRows, db);
        await TestServers.ExecuteAsync(h.Source, """
            SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
            UPDATE all_types SET de = -de, u4 = CONCAT(u4, '✓'), b64 = b'1010', t = '-00:00:00.000001', j = '{"x": null}' WHERE id = 1;
            UPDATE all_types SET id = 100 WHERE id = 2;
            DELETE FROM all_types WHERE id = 3;
            """, db);
        await WaitForEqualAsync(h, task.Name, db, target, ("all_types", "id"));
        Assert.Equal(3L, await TableSnapshot.CountAsync(h.Target, target, "all_types"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Position is not null,
            TimeSpan.FromSeconds(10), "the worker to report its position");
        Assert.Equal(TaskPhase.Incremental, h.Service.Status(task.Name, Direction.Forward).Phase);
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task KilledTenTimesUnderLoadNothingLostNothingTwice()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "inckill", """
            CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, n INT NOT NULL DEFAULT 0, note VARCHAR(50));
            INSERT INTO accounts SELECT seq, 1000, 0, CONCAT('acct ', seq) FROM seq_1_to_20000;
            CREATE TABLE ledger (txn BIGINT NOT NULL, account INT NOT NULL, amount INT NOT NULL);
            CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, label VARCHAR(40));
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "inckill", autoRestart: false); // the test restarts the worker itself

        using var stopWriting = new CancellationTokenSource();
        long transactions = 0;
        var writer = Task.Run(async () =>
        {
            // Every source transaction moves money between two accounts, bumps their counters, appends to a
            // keyless ledger (a doubled transaction would double its ledger rows) and inserts or deletes an item.
            await using var connection = await TestServers.OpenMySqlAsync(h.Source, db);
            var random = new Random(7);
            while (!stopWriting.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref transactions);
                var a = random.Next(1, 20001);
                var b = random.Next(1, 20001);
                var amount = random.Next(1, 50);
                await using var txn = await connection.BeginTransactionAsync();
                await using var command = new MySqlCommand($"""
                    UPDATE accounts SET balance = balance - {amount}, n = n + 1 WHERE id = {a};
                    UPDATE accounts SET balance = balance + {amount}, n = n + 1 WHERE id = {b};
                    INSERT INTO ledger VALUES ({n}, {a}, -{amount}), ({n}, {b}, {amount});
                    {(n % 3 == 0 ? "DELETE FROM items ORDER BY id LIMIT 1;" : $"INSERT INTO items (account, label) VALUES ({a}, 'item {n}');")}
                    """, connection, txn);
                await command.ExecuteNonQueryAsync();
                await txn.CommitAsync();
            }
        });

        var random = new Random(11);
        var pid = h.Service.StartWorker(task.Name, Direction.Forward);
        for (var kill = 0; kill < 10; kill++)
        {
            await Task.Delay(random.Next(300, 1500));
            EngineHarness.KillAndReap(pid);
            await EngineHarness.WaitUntilAsync(() => !h.Service.IsWorkerAlive(task.Name, Direction.Forward), TimeSpan.FromSeconds(10), "the worker to die");
            pid = h.Service.StartWorker(task.Name, Direction.Forward);
        }
        await Task.Delay(1000);
        stopWriting.Cancel();
        await writer;
        Assert.True(transactions > 200, $"only {transactions} source transactions were written");

        await WaitForEqualAsync(h, task.Name, db, target, ("accounts", "id"), ("ledger", "txn, account, amount"), ("items", "id"));
        Assert.Equal(transactions * 2, await TableSnapshot.CountAsync(h.Target, target, "ledger"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task RowFiltersColumnsAndRenamesApplyToChangesToo()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "incfilt", """
            CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(10) NOT NULL, secret VARCHAR(20), total DECIMAL(8,2));
            INSERT INTO orders VALUES (1, 'paid', 's', 1.00), (2, 'new', 's', 2.00), (3, 'paid', 's', 3.00), (4, 'paid', 's', 4.00);
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "incfilt-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.orders"], Renames = new Dictionary<string, string> { [db] = target, [$"{db}.orders"] = $"{target}.paid" },
            RowFilters = new Dictionary<string, string> { [$"{db}.orders"] = "status = 'paid' AND total < 100" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.orders"] = ["id", "status", "total"] },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestServers.ExecuteAsync(h.Source, """
            INSERT INTO orders VALUES (5, 'paid', 's', 5.00), (6, 'new', 's', 6.00), (7, 'paid', 's', 700.00);
            UPDATE orders SET status = 'paid' WHERE id = 2;   -- comes into the filter: inserted
            UPDATE orders SET status = 'new' WHERE id = 3;    -- leaves it: deleted
            UPDATE orders SET total = 10.50 WHERE id = 4;     -- stays in: updated
            DELETE FROM orders WHERE id = 1;
            UPDATE orders SET total = 9 WHERE id = 6;         -- stays out: nothing
            """, db);
        await EngineHarness.WaitUntilAsync(() =>
            Convert.ToString(TestServers.ScalarAsync(h.Target, $"SELECT GROUP_CONCAT(CONCAT(id, ':', total) ORDER BY id) FROM `{target}`.paid").Result) == "2:2.00,4:10.50,5:5.00",
            TimeSpan.FromSeconds(30), "the filtered changes to arrive");
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{target}' AND COLUMN_NAME = 'secret'")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task TablesOutsideTheTaskAndTheirDdlDoNotDisturbIt()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "incother", """
            CREATE TABLE t (id INT PRIMARY KEY, v INT);
            CREATE TABLE other (id INT PRIMARY KEY);
            INSERT INTO other VALUES (1);
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "incother-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.t"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        // Rows of 'other' logged before its ALTER no longer match its current schema: they must not be decoded at all.
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO other VALUES (2); ALTER TABLE other ADD COLUMN x INT; INSERT INTO other VALUES (3, 3); INSERT INTO t VALUES (1, 1);", db);
        await WaitForEqualAsync(h, task.Name, db, target, ("t", "id"));
        Assert.Equal(TaskStatus.Running, h.Service.Status(task.Name, Direction.Forward).Status);
    }

    [Fact]
    public async Task AKilledSourceConnectionIsRecoveredWithNothingLost()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "inckillconn", "CREATE TABLE t (id INT PRIMARY KEY, v INT);");
        var target = db + "_t";
        h.Track(h.Target, target);
        // The worker reads the source as a user of its own, so that only its binlog connection is killed, not those of
        // other tests running beside this one.
        var user = "killconn_" + Guid.NewGuid().ToString("N")[..8];
        await TestServers.ExecuteAsync(h.Source, $"""
            CREATE USER '{user}'@'%' IDENTIFIED BY '{TestServers.Password}'; GRANT ALL PRIVILEGES ON *.* TO '{user}'@'%';
            CREATE USER '{user}'@'localhost' IDENTIFIED BY '{TestServers.Password}'; GRANT ALL PRIVILEGES ON *.* TO '{user}'@'localhost';
            """);
        try
        {
            h.Service.DataSources.Add(new DataSource
            {
                Name = "killsrc", Kind = DataSourceKind.MariaDb, Server = h.Source.Host, Port = h.Source.Port, User = user,
            }, TestServers.Password);
            await KillSourceConnectionRoundsAsync(h, db, target, user);
        }
        finally
        {
            await TestServers.ExecuteAsync(h.Source, $"DROP USER IF EXISTS '{user}'@'%', '{user}'@'localhost';");
        }
    }

    private static async Task KillSourceConnectionRoundsAsync(EngineHarness h, string db, string target, string user)
    {
        var task = NewTask(h, db, target, "inckillconn", autoRestart: false, source: "killsrc");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        // The phase is set before the binlog connection opens: a reported position shows the worker is reading.
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Position is not null,
            TimeSpan.FromSeconds(30), "the worker to read the binlog");
        for (var round = 0; round < 3; round++)
        {
            await TestServers.ExecuteAsync(h.Source, $"INSERT INTO t SELECT seq + {round * 1000}, seq FROM seq_1_to_200;", db);
            // The rows arriving show the worker's binlog connection is up: KILL it then, mid-stream.
            var arrived = round * 200 + 200 - round; // one row per earlier round was deleted
            await EngineHarness.WaitUntilAsync(() => TableSnapshot.CountAsync(h.Target, target, "t").GetAwaiter().GetResult() >= arrived,
                TimeSpan.FromSeconds(60), $"round {round}'s rows on the target");
            // KILL this worker's binlog dump connection on the source.
            await TestServers.ExecuteAsync(h.Source, $"""
                BEGIN NOT ATOMIC
                  FOR c IN (SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = '{user}') DO KILL c.ID; END FOR;
                END
                """);
            await TestServers.ExecuteAsync(h.Source, $"UPDATE t SET v = v + 1 WHERE id <= {round * 1000 + 100}; DELETE FROM t WHERE id = {round * 1000 + 7};", db);
        }
        await WaitForEqualAsync(h, task.Name, db, target, ("t", "id"));
        Assert.True(h.Service.IsWorkerAlive(task.Name, Direction.Forward), "the same worker recovered by itself");
        Assert.Contains("retrying from the checkpoint", File.ReadAllText(h.Service.Home.WorkerLog(task.Name, Direction.Forward)));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task TheSupervisorRestartsAKilledWorkerWhichCarriesOn()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "incsup", "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 1);");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "incsup");
        var first = h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        EngineHarness.KillAndReap(first);
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO t VALUES (2, 2); UPDATE t SET v = 10 WHERE id = 1;", db);
        await EngineHarness.WaitUntilAsync(() => h.Service.IsWorkerAlive(task.Name, Direction.Forward)
                && h.Service.Runtime.Get(task.Name, Direction.Forward).WorkerPid is { } pid && pid != first,
            TimeSpan.FromSeconds(30), "the supervisor to start a new worker");
        await WaitForEqualAsync(h, task.Name, db, target, ("t", "id"));
    }

    [Fact]
    public async Task ADdlOnASynchronizedTablePausesTheTaskWithTheStatement()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "incddl", "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 1);");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "incddl");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO t VALUES (2, 2); ALTER TABLE t ADD COLUMN extra INT; INSERT INTO t VALUES (3, 3, 3);", db);
        try
        {
            await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == TaskStatus.Suspended,
                TimeSpan.FromSeconds(30), "the task to pause");
        }
        catch (TimeoutException)
        {
            var log = File.ReadAllText(h.Service.Home.WorkerLog(task.Name, Direction.Forward));
            Assert.Fail($"not paused; status {h.Service.Status(task.Name, Direction.Forward).Status}; worker log:\n{log}");
        }
        var state = h.Service.Status(task.Name, Direction.Forward);
        Assert.Contains("ADD COLUMN extra", state.Message);
        // The row before the DDL arrived; the one after it waits.
        Assert.Equal(2L, await TableSnapshot.CountAsync(h.Target, target, "t"));
    }
}
