using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>
/// Foreign keys and what they do: created on the target, their cascades (which a MariaDB binlog does not carry) repeated
/// there, and every source transaction applied whole however many lanes write, so readers of the target never see part of one.
/// </summary>
public sealed class ForeignKeyTests
{
    private const string Shop = """
        CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);
        CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, line_count INT NOT NULL DEFAULT 0,
            CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE);
        CREATE TABLE order_lines (order_id INT NOT NULL, n INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, n),
            CONSTRAINT lines_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE);
        CREATE TABLE payments (id INT PRIMARY KEY, order_id INT NULL, amount INT NOT NULL,
            CONSTRAINT payments_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL);
        CREATE TABLE categories (id INT PRIMARY KEY, parent_id INT NULL,
            CONSTRAINT categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE);
        CREATE TABLE regions (country CHAR(2) NOT NULL, code INT NOT NULL, PRIMARY KEY (country, code));
        CREATE TABLE stores (id INT PRIMARY KEY, country CHAR(2) NOT NULL, code INT NOT NULL,
            CONSTRAINT stores_region FOREIGN KEY (country, code) REFERENCES regions (country, code) ON UPDATE CASCADE ON DELETE RESTRICT);
        INSERT INTO customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_100;
        INSERT INTO orders SELECT seq, 1 + seq % 100, 2 FROM seq_1_to_400;
        INSERT INTO order_lines SELECT o.id, l.seq, o.id % 7 FROM orders o JOIN seq_1_to_2 l;
        INSERT INTO payments SELECT seq, seq, 10 FROM seq_1_to_400;
        INSERT INTO categories VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, 1), (6, NULL), (7, 6);
        INSERT INTO regions VALUES ('de', 1), ('de', 2), ('fr', 1);
        INSERT INTO stores VALUES (1, 'de', 1), (2, 'de', 2), (3, 'fr', 1), (4, 'de', 1);
        """;

    private static readonly (string, string)[] Tables =
        [("customers", "id"), ("orders", "id"), ("order_lines", "order_id, n"), ("payments", "id"), ("categories", "id"), ("regions", "country, code"), ("stores", "id")];

    private static MigrationTask NewTask(EngineHarness h, string db, string target, string prefix, Func<MigrationTask, MigrationTask>? more = null) =>
        h.AddTask((more ?? (t => t))(new MigrationTask
        {
            Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, WriteConcurrency = 4,
        }));

    private static async Task RunAsync(ServerAddress server, string db, IEnumerable<string> transactions)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        foreach (var sql in transactions)
            await new MySqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task CascadesOnTheSourceLeaveTheTargetEqualAndItHoldsTheForeignKeys()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "fkcascade", Shop);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "fkcascade");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        Assert.Equal(5L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '{target}'")));

        // Writers on three connections at once: purges that cascade and set NULL, renumbered keys that cascade (a composite
        // one too), a subtree of a self-referencing table, and new orders with their lines in between.
        var purge = RunAsync(h.Source, db, Enumerable.Range(1, 30).Select(i => $"DELETE FROM customers WHERE id = {i * 3}"));
        var renumber = RunAsync(h.Source, db, Enumerable.Range(1, 30).Select(i => $"UPDATE customers SET id = {1000 + i} WHERE id = {i * 3 + 1}")
            .Append("DELETE FROM categories WHERE id = 2").Append("UPDATE regions SET code = 9 WHERE country = 'de' AND code = 1")
            .Append("DELETE FROM orders WHERE id BETWEEN 200 AND 260"));
        var orders = RunAsync(h.Source, db, Enumerable.Range(1, 60).Select(i =>
            $"BEGIN; INSERT INTO orders VALUES ({5000 + i}, {3 * (i % 30) + 2}, 3); " +
            $"INSERT INTO order_lines VALUES ({5000 + i}, 1, 1), ({5000 + i}, 2, 2), ({5000 + i}, 3, 3); INSERT INTO payments VALUES ({5000 + i}, {5000 + i}, 5); COMMIT"));
        await Task.WhenAll(purge, renumber, orders);

        await IncrementalTests.WaitForEqualAsync(h, task.Name, db, target, Tables);
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        // The cascades did happen on the source: the test is not trivially equal.
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Source, "SELECT COUNT(*) FROM orders WHERE customer_id = 3", db)));
        Assert.True(Convert.ToInt64(await TestServers.ScalarAsync(h.Source, "SELECT COUNT(*) FROM payments WHERE order_id IS NULL", db)) > 0);
        Assert.Equal(2L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT COUNT(*) FROM stores WHERE country = 'de' AND code = 9", target)));
    }

    [Fact]
    public async Task CascadesDuringTheCopyLeaveNoOrphansBehind()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "fkcopy", """
            CREATE TABLE z_customers (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);
            CREATE TABLE a_orders (id INT PRIMARY KEY, customer_id INT NULL,
                CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES z_customers (id) ON DELETE CASCADE);
            CREATE TABLE a_notes (id INT PRIMARY KEY, customer_id INT NULL,
                CONSTRAINT notes_customer FOREIGN KEY (customer_id) REFERENCES z_customers (id) ON DELETE SET NULL);
            INSERT INTO z_customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_3000;
            INSERT INTO a_orders SELECT seq, seq FROM seq_1_to_3000;
            INSERT INTO a_notes SELECT seq, seq FROM seq_1_to_3000;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        // A slow copy, the children's tables first: the purge runs once they are in and before the customers are copied, so the
        // target never has the customers it deletes, while it has their orders and notes, and no logged row says what became of them.
        var task = NewTask(h, db, target, "fkcopy", t => t with { RowsPerSecond = 1500, ChunkRows = 100, ReadConcurrency = 1, WriteConcurrency = 1 });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() =>
        {
            try { return TableSnapshot.CountAsync(h.Target, target, "a_notes").Result == 3000 && TableSnapshot.CountAsync(h.Target, target, "z_customers").Result == 0; }
            catch (AggregateException e) when (e.InnerException is MySqlException) { return false; }
        }, TimeSpan.FromSeconds(60), "the children's copy");
        await RunAsync(h.Source, db, Enumerable.Range(0, 60).Select(i => $"DELETE FROM z_customers WHERE id % 60 = {i} AND id % 2 = 0"));
        await IncrementalTests.WaitForEqualAsync(h, task.Name, db, target, ("z_customers", "id"), ("a_orders", "id"), ("a_notes", "id"));
        Assert.Equal(1500L, await TableSnapshot.CountAsync(h.Target, target, "a_orders"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task ReadersOfTheTargetNeverSeeASourceTransactionInPart()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "fkwhole", Shop + """
            CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL);
            INSERT INTO accounts SELECT seq, 1000 FROM seq_1_to_200;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "fkwhole");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        // A backlog of transfers (the sum of balances never changes) and of orders with their lines (an order counts its
        // lines), then the catch-up with four lanes while a reader polls the target.
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        var random = new Random(7);
        await RunAsync(h.Source, db, Enumerable.Range(1, 1500).Select(i =>
        {
            if (i % 3 == 0)
                return $"BEGIN; INSERT INTO orders VALUES ({10000 + i}, {1 + i % 100}, 3); " +
                       $"INSERT INTO order_lines VALUES ({10000 + i}, 1, 1), ({10000 + i}, 2, 1), ({10000 + i}, 3, 1); COMMIT";
            var (from, to, amount) = (random.Next(1, 201), random.Next(1, 201), random.Next(1, 50));
            return $"BEGIN; UPDATE accounts SET balance = balance - {amount} WHERE id = {from}; UPDATE accounts SET balance = balance + {amount} WHERE id = {to}; COMMIT";
        }));
        h.Service.StartWorker(task.Name, Direction.Forward);
        var (reads, broken) = (0, new List<string>());
        await using (var reader = await TestServers.OpenMySqlAsync(h.Target))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                object? sum, partial;
                try
                {
                    sum = await new MySqlCommand($"SELECT SUM(balance) FROM `{target}`.accounts", reader).ExecuteScalarAsync();
                    partial = await new MySqlCommand($"SELECT COUNT(*) FROM `{target}`.orders o WHERE o.line_count <> " +
                                                     $"(SELECT COUNT(*) FROM `{target}`.order_lines l WHERE l.order_id = o.id)", reader).ExecuteScalarAsync();
                }
                catch (MySqlException)
                {
                    continue; // not created yet
                }
                reads++;
                if (Convert.ToInt64(sum) != 200_000) broken.Add($"sum of balances {sum}");
                if (Convert.ToInt64(partial) != 0) broken.Add($"{partial} order(s) without all their lines");
                if (await IsCaughtUpAsync(h, db, target)) break;
            }
        }
        Assert.Empty(broken);
        Assert.True(reads > 20, $"only {reads} reads during the catch-up");
        await IncrementalTests.WaitForEqualAsync(h, task.Name, db, target, [.. Tables, ("accounts", "id")]);
        // Groups of transactions did commit side by side.
        Assert.True(Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction LIKE 'Forward/lane%'")) >= 1, "no lane but the first committed");
    }

    private static async Task<bool> IsCaughtUpAsync(EngineHarness h, string db, string target) =>
        await TableSnapshot.CountAsync(h.Source, db, "order_lines") == await TableSnapshot.CountAsync(h.Target, target, "order_lines")
        && (await TableSnapshot.ReadAsync(h.Source, db, "accounts", "id")).SequenceEqual(await TableSnapshot.ReadAsync(h.Target, target, "accounts", "id"));
}
