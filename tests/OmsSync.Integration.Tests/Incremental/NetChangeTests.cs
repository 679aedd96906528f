using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Incremental.IncrementalTests;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>
/// Chunks of many changes are written by each row's net effect with multi-row statements; these tests check that
/// this gives exactly what change-by-change writing gives: every type, every sequence of changes to one row, and
/// conflicts found one by one with the rest of the chunk written.
/// </summary>
public sealed class NetChangeTests
{
    [Fact]
    public async Task EverySequenceOfChangesToARowEndsAsOnTheSource()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "netseq", FullMigrationTestsData.AllTypesTable + ";\n" + """
            CREATE TABLE pairs (a INT NOT NULL, b VARBINARY(8) NOT NULL, v VARCHAR(20), PRIMARY KEY (a, b));
            CREATE TABLE stamps (at DATETIME(6) NOT NULL PRIMARY KEY, v INT);
            CREATE TABLE log (at INT, msg VARCHAR(20));
            INSERT INTO pairs SELECT seq % 7, CAST(seq AS BINARY), 'p' FROM seq_1_to_300;
            INSERT INTO stamps SELECT TIMESTAMPADD(MICROSECOND, seq, '2024-01-01 00:00:00'), seq FROM seq_1_to_100;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "netseq");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        // Rows of every type, then one source transaction that takes rows through every sequence: updated many
        // times, deleted, deleted and inserted again, inserted and deleted, inserted and updated.
        await TestServers.ExecuteAsync(h.Source, FullMigrationTestsData.AllTypesRows, db);
        await TestServers.ExecuteAsync(h.Source, """
            SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
            SET time_zone = '+00:00';
            INSERT INTO all_types (ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt)
              SELECT ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt FROM all_types;
            INSERT INTO all_types (ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt)
              SELECT ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt FROM all_types;
            """, db);
        await TestServers.ExecuteAsync(h.Source, """
            SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
            START TRANSACTION;
            UPDATE pairs SET v = CONCAT(v, '1') WHERE a = 1;
            UPDATE pairs SET v = CONCAT(v, '2') WHERE a IN (1, 2);
            DELETE FROM pairs WHERE a = 3;
            DELETE FROM pairs WHERE a = 4;
            INSERT INTO pairs SELECT 4, CAST(seq AS BINARY), 'again' FROM seq_1_to_300 WHERE seq % 7 = 4 AND seq % 2 = 0;
            INSERT INTO pairs SELECT 9, CAST(seq AS BINARY), 'brief' FROM seq_1_to_50;
            DELETE FROM pairs WHERE a = 9 AND v = 'brief' AND CAST(b AS UNSIGNED) > 10;
            INSERT INTO pairs SELECT 10, CAST(seq AS BINARY), 'new' FROM seq_1_to_40;
            UPDATE pairs SET v = 'newer' WHERE a = 10;
            UPDATE stamps SET v = -v WHERE v % 2 = 0;
            DELETE FROM stamps WHERE v % 5 = 0;
            UPDATE all_types SET de = -de, u4 = CONCAT(u4, '✓'), b64 = b'1010', t = '-00:00:00.000001', j = '{"x": null}' WHERE id % 2 = 0;
            DELETE FROM all_types WHERE id % 3 = 0;
            INSERT INTO all_types (id, u4) VALUES (1000, 'late'), (1001, 'later');
            UPDATE all_types SET u4 = NULL, bl = NULL WHERE id = 1000;
            INSERT INTO log SELECT seq % 5, IF(seq % 2 = 0, 'same', NULL) FROM seq_1_to_60;
            COMMIT;
            """, db);
        await WaitForEqualAsync(h, task.Name, db, target, ("all_types", "id"), ("pairs", "a, b"), ("stamps", "at"), ("log", "at, msg"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        await WaitForStatsAsync(h, task.Name, log => NetChunks(log).Written > 0);
    }

    [Fact]
    public async Task AConflictInALargeChunkIsFoundAloneAndTheRestIsWritten()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "netconf", """
            CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL);
            INSERT INTO t SELECT seq, seq FROM seq_1_to_1000;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, "netconf");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await WaitForEqualAsync(h, task.Name, db, target, ("t", "id"));

        // The target drifts: a row the source will update is gone, a row the source will insert is there already.
        await TestServers.ExecuteAsync(h.Target, "DELETE FROM t WHERE id = 500; INSERT INTO t VALUES (2000, -1);", target);
        await TestServers.ExecuteAsync(h.Source, """
            START TRANSACTION;
            UPDATE t SET v = v + 1 WHERE id BETWEEN 400 AND 600;
            INSERT INTO t SELECT 1000 + seq, 0 FROM seq_1_to_1000;
            DELETE FROM t WHERE id BETWEEN 100 AND 199;
            COMMIT;
            """, db);
        await EngineHarness.WaitUntilAsync(() => h.Service.Conflicts.List(task.Name).Count >= 2, TimeSpan.FromSeconds(60), "the two conflicts");
        await WaitForStatsAsync(h, task.Name, log => NetChunks(log).Declined > 0);

        var conflicts = h.Service.Conflicts.List(task.Name).OrderBy(c => c.Type).ToList();
        Assert.Equal([(ConflictType.InsertExists, """{"id":"2000"}"""), (ConflictType.UpdateMissing, """{"id":"500"}""")],
            conflicts.Select(c => (c.Type, c.Key)).ToList());
        // Ignore (the default) keeps the target's rows; every other change of the chunk is in.
        // Rows read as hex text: id 500 is 353030, id 2000 is 32303030 and v -1 is 2D31.
        var rows = await TableSnapshot.ReadAsync(h.Target, target, "t", "id");
        var source = await TableSnapshot.ReadAsync(h.Source, db, "t", "id");
        Assert.Equal(source.Where(r => !r.StartsWith("353030|") && !r.StartsWith("32303030|")), rows.Where(r => !r.StartsWith("32303030|")));
        Assert.Contains("32303030|2D31", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith("353030|"));
    }

    private static (long Written, long Declined) NetChunks(string log)
    {
        var match = System.Text.RegularExpressions.Regex.Matches(log, @"([\d,]+) chunks written by their net effect, ([\d,]+) change by change").LastOrDefault();
        return match is null ? (0, 0) : (long.Parse(match.Groups[1].Value.Replace(",", "")), long.Parse(match.Groups[2].Value.Replace(",", "")));
    }

    private static async Task WaitForStatsAsync(EngineHarness h, string task, Func<string, bool> shows)
    {
        string Log() => File.Exists(h.Service.Home.WorkerLog(task, Direction.Forward)) ? File.ReadAllText(h.Service.Home.WorkerLog(task, Direction.Forward)) : "";
        try
        {
            await EngineHarness.WaitUntilAsync(() => shows(Log()), TimeSpan.FromSeconds(30), "the worker's figures");
        }
        catch (TimeoutException)
        {
            Assert.Fail("the worker's figures never showed what was expected; its log:\n" + Log());
        }
    }
}
