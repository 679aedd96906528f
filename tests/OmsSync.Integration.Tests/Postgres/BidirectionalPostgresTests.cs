using System.Data.Common;
using MySqlConnector;
using Npgsql;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Bidirectional synchronization between MariaDB and PostgreSQL, each way round: both sides written at once, workers killed, no loops.</summary>
public sealed class BidirectionalPostgresTests
{
    private const string Tables = """
        CREATE TABLE accounts (id INT PRIMARY KEY, v BIGINT NOT NULL, n INT NOT NULL, note VARCHAR(40));
        CREATE TABLE notes (id BIGINT PRIMARY KEY, side CHAR(1) NOT NULL, body VARCHAR(100));
        """;

    /// <summary>
    /// One side's application: each transaction updates one of its own accounts and inserts a note; every third
    /// deletes an older note of its own. Returns how many transactions it wrote.
    /// </summary>
    private static async Task<int> WriteAsync(DbConnection connection, string prefix, int side, CancellationToken stop)
    {
        var random = new Random(side);
        var done = 0;
        for (var i = 1; !stop.IsCancellationRequested; i++)
        {
            var account = side == 1 ? random.Next(1, 101) : random.Next(101, 201);
            var note = side * 1_000_000L + i;
            var sql = $"UPDATE {prefix}accounts SET v = v + {i}, n = n + 1 WHERE id = {account};\n" +
                      $"INSERT INTO {prefix}notes VALUES ({note}, '{(side == 1 ? 'A' : 'B')}', 'note {i} of side {side} ☃');\n";
            if (i % 3 == 0) sql += $"DELETE FROM {prefix}notes WHERE id = {note - 2};\n";
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
            done++;
        }
        return done;
    }

    /// <summary>
    /// The checkpoint's count of applied source transactions once it reaches <paramref name="expected"/> or stops short
    /// of it for 30 s: parallel lanes commit their rows before the batch's checkpoint counts them, so rows already equal
    /// may be counted a moment later. A count past the expected one (a transaction come back) is returned at once.
    /// </summary>
    private static async Task<long> AppliedAsync(Func<Task<object?>> read, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var count = Convert.ToInt64(await read());
            if (count >= expected || DateTime.UtcNow > deadline) return count;
            await Task.Delay(200);
        }
    }

    private static async Task<List<string>> MySqlRowsAsync(ServerAddress server, string db) =>
        (await ColumnAsync(server, db, "SELECT CONCAT_WS('|', id, v, n, COALESCE(note, '-')) FROM accounts ORDER BY id"))
        .Concat(await ColumnAsync(server, db, "SELECT CONCAT_WS('|', id, side, COALESCE(body, '-')) FROM notes ORDER BY id")).ToList();

    private static async Task<List<string>> PostgresRowsAsync(string schema) =>
        (await TestPostgres.ColumnAsync($"SELECT concat_ws('|', id, v, n, coalesce(note, '-')) FROM {TestPostgres.Quote(schema)}.accounts ORDER BY id"))
        .Concat(await TestPostgres.ColumnAsync($"SELECT concat_ws('|', id, side, coalesce(body, '-')) FROM {TestPostgres.Quote(schema)}.notes ORDER BY id")).ToList();

    private static async Task<List<string>> ColumnAsync(ServerAddress server, string db, string sql)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    /// <summary>Both sides write for a few seconds while each direction's worker is killed once (the supervisor starts a new one); then they must be equal.</summary>
    private static async Task<(int A, int B)> WriteOnBothSidesAsync(EngineHarness h, string task, Func<CancellationToken, Task<int>> sideA, Func<CancellationToken, Task<int>> sideB)
    {
        using var stop = new CancellationTokenSource();
        var a = sideA(stop.Token);
        var b = sideB(stop.Token);
        foreach (var direction in new[] { Direction.Forward, Direction.Reverse })
        {
            await Task.Delay(1200);
            await WaitForIncrementalAsync(h, task, direction, restarting: true);
            EngineHarness.KillAndReap(h.Service.Runtime.Get(task, direction).WorkerPid!.Value);
        }
        await Task.Delay(1000);
        stop.Cancel();
        return (await a, await b);
    }

    private static async Task WaitForSameAsync(EngineHarness h, string task, Func<Task<List<string>>> mysql, Func<Task<List<string>>> postgres)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var (left, right) = (await mysql(), await postgres());
            if (left.SequenceEqual(right)) return;
            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine($"forward log:\n{Log(h, task, Direction.Forward)}\nreverse log:\n{Log(h, task, Direction.Reverse)}");
                Assert.Equal(left, right);
            }
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task MariaDbToPostgreSqlBothWaysConvergesWithoutLoops()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "bipg", Tables + "\nINSERT INTO accounts SELECT seq, 0, 0, CONCAT('a', seq) FROM seq_1_to_200;");
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "bipg-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, Topology = Topology.Bidirectional,
            IncrementalMemoryLimit = 1 << 20, // the reverse direction reads large transactions in pieces of a few hundred rows
        });
        Assert.DoesNotContain(await h.Service.TestTaskAsync(task.Name, CancellationToken.None), r => r.Status == Engine.PreCheck.CheckStatus.Fail);
        await StartBothAsync(h, task.Name);

        await using var mysql = await TestServers.OpenMySqlAsync(h.Source, db);
        await using var postgres = await TestPostgres.OpenAsync();
        var (a, b) = await WriteOnBothSidesAsync(h, task.Name, token => WriteAsync(mysql, "", 1, token), token => WriteAsync(postgres, TestPostgres.Quote(schema) + ".", 2, token));
        Assert.True(a > 50 && b > 50, $"only {a} and {b} transactions were written");
        // One large transaction: on PostgreSQL it is the forward direction's, and the reverse direction, reading it in
        // pieces, must drop every piece (a piece written back would collide with the source's rows, as conflicts).
        await TestServers.ExecuteAsync(h.Source, "INSERT INTO notes SELECT 5000000 + seq, 'A', 'bulk' FROM seq_1_to_3000", db);
        await WaitForSameAsync(h, task.Name, () => MySqlRowsAsync(h.Source, db), () => PostgresRowsAsync(schema));
        // Every account update arrived once on the other side, none came back: each transaction bumped one counter.
        Assert.Equal((long)(a + b), Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT sum(n) FROM {TestPostgres.Quote(schema)}.accounts")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        // The reverse direction applied exactly side B's transactions: none of those the forward direction wrote came back.
        Assert.Equal((long)b, await AppliedAsync(() => TestServers.ScalarAsync(h.Source,
            $"SELECT transactions FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Reverse'"), b));
        // PostgreSQL's changes came back through the reverse direction's own slot.
        Assert.Contains($"reading replication slot {Engine.Postgres.Logical.ReplicationObjects.Name(task, Direction.Reverse)}", Log(h, task.Name, Direction.Reverse));
    }

    [Fact]
    public async Task PostgreSqlToMariaDbBothWaysConvergesWithoutLoops()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("bimy", Tables + "\nINSERT INTO accounts SELECT g, 0, 0, 'a' || g FROM generate_series(1, 200) g;");
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "bimy-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, Topology = Topology.Bidirectional,
        });
        Assert.DoesNotContain(await h.Service.TestTaskAsync(task.Name, CancellationToken.None), r => r.Status == Engine.PreCheck.CheckStatus.Fail);
        await StartBothAsync(h, task.Name);

        await using var postgres = await TestPostgres.OpenAsync();
        await using var mysql = await TestServers.OpenMySqlAsync(h.Target, db);
        var (a, b) = await WriteOnBothSidesAsync(h, task.Name, token => WriteAsync(postgres, TestPostgres.Quote(schema) + ".", 1, token), token => WriteAsync(mysql, "", 2, token));
        Assert.True(a > 50 && b > 50, $"only {a} and {b} transactions were written");
        await WaitForSameAsync(h, task.Name, () => MySqlRowsAsync(h.Target, db), () => PostgresRowsAsync(schema));
        Assert.Equal((long)(a + b), Convert.ToInt64(await TestServers.ScalarAsync(h.Target, $"SELECT SUM(n) FROM `{db}`.accounts")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        // The forward direction applied exactly side A's transactions: none of those the reverse direction wrote came back.
        Assert.Equal((long)a, await AppliedAsync(() => TestServers.ScalarAsync(h.Target,
            $"SELECT transactions FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward'"), a));
        Assert.Contains("reading the binlog", Log(h, task.Name, Direction.Reverse));
        Assert.Contains($"reading replication slot {Engine.Postgres.Logical.ReplicationObjects.Name(task, Direction.Forward)}", Log(h, task.Name, Direction.Forward));
    }
}
