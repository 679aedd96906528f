using System.Runtime.CompilerServices;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;

namespace OmsSync.Integration.Tests.Bidirectional;

/// <summary>Forward and reverse directions together, on two real MariaDB servers.</summary>
public sealed class BidirectionalTests
{
    private const string Schema = """
        CREATE TABLE accounts (id INT PRIMARY KEY, v BIGINT NOT NULL, n INT NOT NULL DEFAULT 0, note VARCHAR(40));
        INSERT INTO accounts SELECT seq, 0, 0, CONCAT('a', seq) FROM seq_1_to_2000;
        CREATE TABLE notes (id BIGINT PRIMARY KEY, side CHAR(1) NOT NULL, body VARCHAR(100));
        CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(10) NOT NULL, val INT NOT NULL, PRIMARY KEY (a, b));
        """;

    /// <summary>
    /// One side's application: each transaction updates one of its own accounts, inserts a note, and every
    /// third deletes an older note of its own and upserts a pair. Returns the transactions and rows written.
    /// <paramref name="written"/> follows the count as it goes.
    /// </summary>
    private static async Task<(int Transactions, long Rows)> WriteAsync(ServerAddress server, string db, int side, int transactions, CancellationToken stop,
        StrongBox<int>? written = null)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        var random = new Random(side);
        long rows = 0;
        var done = 0;
        for (var i = 1; i <= transactions && !stop.IsCancellationRequested; i++)
        {
            var account = side == 1 ? random.Next(1, 1001) : random.Next(1001, 2001);
            var note = side * 1_000_000L + i;
            var sql = $"UPDATE accounts SET v = v + {i}, n = n + 1 WHERE id = {account};\n" +
                      $"INSERT INTO notes VALUES ({note}, '{(side == 1 ? 'A' : 'B')}', 'note {i} of side {side} ☃');\n";
            rows += 2;
            if (i % 3 == 0)
            {
                sql += $"DELETE FROM notes WHERE id = {note - 2};\n" +
                       $"INSERT INTO pairs VALUES ({i * 2 + side}, 'k{i % 7}', {i}) ON DUPLICATE KEY UPDATE val = val + 1;\n";
                rows += 2;
            }
            await using var txn = await connection.BeginTransactionAsync();
            await using (var command = new MySqlCommand(sql, connection, txn))
                await command.ExecuteNonQueryAsync();
            await txn.CommitAsync();
            done++;
            if (written is not null) Volatile.Write(ref written.Value, done);
        }
        return (done, rows);
    }

    [Fact]
    public async Task WritesOnBothSidesCrossExactlyOnceThroughKilledWorkersWithoutLoops()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "bidi", Schema);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target);
        await StartBothAsync(h, task.Name);
        var startA = await PositionAsync(h.Source);
        var startB = await PositionAsync(h.Target);

        using var stop = new CancellationTokenSource();
        StrongBox<int> writtenA = new(), writtenB = new();
        var writerA = WriteAsync(h.Source, db, 1, 1_000_000, stop.Token, writtenA);
        var writerB = WriteAsync(h.Target, target, 2, 1_000_000, stop.Token, writtenB);
        // Kill each direction's worker twice while both sides write; the supervisor starts new ones.
        for (var round = 0; round < 4; round++)
        {
            await Task.Delay(1200);
            var direction = round % 2 == 0 ? Direction.Forward : Direction.Reverse;
            await WaitForIncrementalAsync(h, task.Name, direction, restarting: true);
            EngineHarness.KillAndReap(h.Service.Runtime.Get(task.Name, direction).WorkerPid!.Value);
        }
        // A busy machine writes more slowly: both sides go on until each has its 1,000 transactions, within a bound.
        var loadDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        do await Task.Delay(250);
        while ((Volatile.Read(ref writtenA.Value) <= 1000 || Volatile.Read(ref writtenB.Value) <= 1000) && DateTime.UtcNow < loadDeadline);
        stop.Cancel();
        var (txnA, rowsA) = await writerA;
        var (txnB, rowsB) = await writerB;
        Console.WriteLine($"bidirectional load: {txnA} transactions on the source, {txnB} on the target, 4 workers killed");
        Assert.True(txnA > 1000 && txnB > 1000, $"only {txnA} and {txnB} transactions were written");
        await WaitForIncrementalAsync(h, task.Name, Direction.Forward, restarting: true);
        await WaitForIncrementalAsync(h, task.Name, Direction.Reverse, restarting: true);
        await WaitForEqualAsync(h, task.Name, db, target, ("accounts", "id"), ("notes", "id"), ("pairs", "a, b"));

        // Nothing lost, nothing twice: every account update of both sides is counted once on both sides.
        Assert.Equal((long)txnA + txnB, Convert.ToInt64(await TestServers.ScalarAsync(h.Source, "SELECT SUM(n) FROM accounts", db)));
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        // Let both directions idle a while: a loop would keep writing.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var endA = await PositionAsync(h.Source);
        var endB = await PositionAsync(h.Target);
        var auditA = await AuditAsync(h.Source, db, task.OmsKey, startA, endA);
        var auditB = await AuditAsync(h.Target, target, task.OmsKey, startB, endB);
        // Each server's binlog holds its application's transactions unmarked, and the other side's rows
        // exactly once, in transactions carrying the marker of the direction that applied them.
        Assert.Equal((txnA, rowsA), (auditA.UnmarkedTransactions, auditA.UnmarkedRows));
        Assert.Equal((txnB, rowsB), (auditB.UnmarkedTransactions, auditB.UnmarkedRows));
        Assert.Equal(rowsB, auditA.ReverseRows);
        Assert.Equal(rowsA, auditB.ForwardRows);
        Assert.Equal(0, auditA.ForwardMarked);
        Assert.Equal(0, auditB.ReverseMarked);
        Assert.InRange(auditA.ReverseMarked, 1, txnB);
        Assert.InRange(auditB.ForwardMarked, 1, txnA);
        // Both directions spread their writes over parallel lanes (WriteConcurrency 2): each lane keeps a progress row.
        Assert.Equal(1L, await TestServers.ScalarAsync(h.Target, $"SELECT COUNT(*) FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward/lane1'"));
        Assert.Equal(1L, await TestServers.ScalarAsync(h.Source, $"SELECT COUNT(*) FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Reverse/lane1'"));
    }

    private const string ConflictTables = """
        CREATE TABLE {0}_ins (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6));
        CREATE TABLE {0}_updmiss (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6));
        CREATE TABLE {0}_del (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6));
        CREATE TABLE {0}_key (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6));
        CREATE TABLE {0}_stale (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6));
        INSERT INTO {0}_updmiss VALUES (1, 'init', '2024-01-01 00:00:00');
        INSERT INTO {0}_del VALUES (1, 'init', '2024-01-01 00:00:00');
        INSERT INTO {0}_key VALUES (1, 'init', '2024-01-01 00:00:00');
        INSERT INTO {0}_stale VALUES (1, 'init', '2024-01-01 00:00:00');
        """;

    // While both directions are stopped, each side changes the same rows: t1 < t2 < t3.
    private const string SideA = """
        INSERT INTO {0}_ins VALUES (1, 'a', '2024-01-01 00:00:01');
        UPDATE {0}_updmiss SET v = 'a', ts = '2024-01-01 00:00:03' WHERE id = 1;
        DELETE FROM {0}_del WHERE id = 1;
        UPDATE {0}_key SET id = 5, v = 'a', ts = '2024-01-01 00:00:03' WHERE id = 1;
        UPDATE {0}_stale SET v = 'a', ts = '2024-01-01 00:00:03' WHERE id = 1;
        """;

    private const string SideB = """
        INSERT INTO {0}_ins VALUES (1, 'b', '2024-01-01 00:00:02');
        DELETE FROM {0}_updmiss WHERE id = 1;
        DELETE FROM {0}_del WHERE id = 1;
        INSERT INTO {0}_key VALUES (5, 'b', '2024-01-01 00:00:02');
        UPDATE {0}_stale SET v = 'b', ts = '2024-01-01 00:00:02' WHERE id = 1;
        """;

    [Fact]
    public async Task SameKeyWritesOnBothSidesGiveTheDocumentedConflictsAndRowsUnderEachPolicy()
    {
        await using var h = EngineHarness.Create();
        string[] families = ["ign", "stl", "ovw", "nw"];
        var db = await h.CreateDatabaseAsync(h.Source, "bidiconf", string.Concat(families.Select(f => string.Format(ConflictTables, f))));
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target,
        [
            new ConflictRule { Table = $"{db}.stl_*", Policy = ConflictPolicy.Ignore, DetectStale = true },
            new ConflictRule { Table = $"{db}.ovw_*", Policy = ConflictPolicy.Overwrite },
            new ConflictRule { Table = $"{db}.nw_*", Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" },
        ]);
        await StartBothAsync(h, task.Name);
        foreach (var direction in new[] { Direction.Forward, Direction.Reverse })
            await h.Service.RequestAsync(task.Name, direction, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        foreach (var f in families)
        {
            await TestServers.ExecuteAsync(h.Source, string.Format(SideA, f), db);
            await TestServers.ExecuteAsync(h.Target, string.Format(SideB, f), target);
        }
        h.Service.StartWorker(task.Name, Direction.Forward);
        h.Service.StartWorker(task.Name, Direction.Reverse);

        // Forward conflicts name the target's table, reverse ones the source's.
        string F(string table) => $"Forward {target}.{table}";
        string R(string table) => $"Reverse {db}.{table}";
        var expected = new[]
        {
            F("ign_ins") + " InsertExists KeptTarget", R("ign_ins") + " InsertExists KeptTarget",
            F("ign_updmiss") + " UpdateMissing KeptTarget",
            F("ign_del") + " DeleteMissing KeptTarget", R("ign_del") + " DeleteMissing KeptTarget",
            F("ign_key") + " UpdateKeyConflict KeptTarget", R("ign_key") + " InsertExists KeptTarget",

            F("stl_ins") + " InsertExists KeptTarget", R("stl_ins") + " InsertExists KeptTarget",
            F("stl_updmiss") + " UpdateMissing KeptTarget", R("stl_updmiss") + " UpdateStale KeptTarget",
            F("stl_del") + " DeleteMissing KeptTarget", R("stl_del") + " DeleteMissing KeptTarget",
            F("stl_key") + " UpdateKeyConflict KeptTarget", R("stl_key") + " InsertExists KeptTarget",
            F("stl_stale") + " UpdateStale KeptTarget", R("stl_stale") + " UpdateStale KeptTarget",

            F("ovw_ins") + " InsertExists AppliedSource", R("ovw_ins") + " InsertExists AppliedSource",
            F("ovw_updmiss") + " UpdateMissing AppliedSource",
            F("ovw_del") + " DeleteMissing AppliedSource", R("ovw_del") + " DeleteMissing AppliedSource",
            F("ovw_key") + " UpdateKeyConflict AppliedSource", R("ovw_key") + " InsertExists AppliedSource",

            F("nw_ins") + " InsertExists KeptTarget", R("nw_ins") + " InsertExists AppliedSource",
            // NewerWins: A's update (t3) is newer than the version B deleted (t0), so it survives the delete on both sides;
            // A's move to key 5 (t3) wins over B's insert there (t2).
            F("nw_updmiss") + " UpdateMissing AppliedSource", R("nw_updmiss") + " UpdateStale KeptTarget",
            F("nw_del") + " DeleteMissing AppliedSource", R("nw_del") + " DeleteMissing AppliedSource",
            F("nw_key") + " UpdateKeyConflict AppliedSource", R("nw_key") + " InsertExists KeptTarget",
            F("nw_stale") + " UpdateStale AppliedSource", R("nw_stale") + " UpdateStale KeptTarget",
        }.Order().ToList();
        List<string> Recorded() => h.Service.Conflicts.List(task.Name).Select(c => $"{c.Direction} {c.Table} {c.Type} {c.Outcome}").Order().ToList();
        await EngineHarness.WaitUntilAsync(() => Recorded().Count >= expected.Count, TimeSpan.FromSeconds(60), "the conflicts to be recorded");
        await Task.Delay(2000); // nothing more may come
        Assert.Equal(expected, Recorded());

        // The final rows on each side (id, v) per table, A then B.
        var rows = new Dictionary<string, (string A, string B)>
        {
            ["ign_ins"] = ("1:a", "1:b"), ["ign_updmiss"] = ("", ""), ["ign_del"] = ("", ""), ["ign_key"] = ("5:a", "1:init 5:b"), ["ign_stale"] = ("1:b", "1:a"),
            ["stl_ins"] = ("1:a", "1:b"), ["stl_updmiss"] = ("1:a", ""), ["stl_del"] = ("", ""), ["stl_key"] = ("5:a", "1:init 5:b"), ["stl_stale"] = ("1:a", "1:b"),
            ["ovw_ins"] = ("1:b", "1:a"), ["ovw_updmiss"] = ("", "1:a"), ["ovw_del"] = ("", ""), ["ovw_key"] = ("5:b", "5:a"), ["ovw_stale"] = ("1:b", "1:a"),
            ["nw_ins"] = ("1:b", "1:b"), ["nw_updmiss"] = ("1:a", "1:a"), ["nw_del"] = ("", ""), ["nw_key"] = ("5:a", "5:a"), ["nw_stale"] = ("1:a", "1:a"),
        };
        foreach (var (table, (a, b)) in rows)
        {
            Assert.Equal((table, a), (table, await RowsAsync(h.Source, db, table)));
            Assert.Equal((table, b), (table, await RowsAsync(h.Target, target, table)));
        }

        // A conflict's record carries both images and the target row found.
        var stale = h.Service.Conflicts.List(task.Name).Single(c => c.Table == $"{target}.stl_stale");
        Assert.Contains("\"v\":\"init\"", stale.SourceBefore);
        Assert.Contains("\"v\":\"a\"", stale.SourceAfter);
        Assert.Contains("\"v\":\"b\"", stale.TargetRow);
        Assert.Equal("{\"id\":\"1\"}", stale.Key);

        // ApplySource settles a conflict on the target, and the other direction does not send it back.
        var kept = h.Service.Conflicts.List(task.Name).Single(c => c.Direction == Direction.Forward && c.Table == $"{target}.ign_ins");
        var resolved = await new ConflictResolution(h.Service).ResolveAsync(kept.Id, ConflictAction.ApplySource, CancellationToken.None);
        Assert.Equal("AppliedSource", resolved.Resolution);
        Assert.Equal("1:a", await RowsAsync(h.Target, target, "ign_ins"));
        await Assert.ThrowsAsync<Engine.Errors.OmsException>(() => new ConflictResolution(h.Service).ResolveAsync(kept.Id, ConflictAction.KeepTarget, CancellationToken.None));
        var deleted = h.Service.Conflicts.List(task.Name).Single(c => c.Direction == Direction.Reverse && c.Table == $"{db}.stl_updmiss");
        await new ConflictResolution(h.Service).ResolveAsync(deleted.Id, ConflictAction.ApplySource, CancellationToken.None);
        Assert.Equal("", await RowsAsync(h.Source, db, "stl_updmiss"));
        await Task.Delay(3000);
        Assert.Equal(expected.Count, h.Service.Conflicts.List(task.Name).Count);
        Assert.Equal("1:a", await RowsAsync(h.Source, db, "ign_ins"));
        Assert.Equal("1:a", await RowsAsync(h.Target, target, "ign_ins"));
    }

    private static async Task<string> RowsAsync(ServerAddress server, string db, string table)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlCommand($"SELECT id, v FROM `{table}` ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add($"{reader.GetInt32(0)}:{reader.GetString(1)}");
        return string.Join(" ", rows);
    }
}
