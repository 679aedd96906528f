using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Ddl;

/// <summary>
/// DDL synchronization of each supported kind, each under a concurrent writer and with rows written just
/// before and just after it, verified row by row and by shape on the target.
/// </summary>
public sealed class DdlSyncTests
{
    [Fact]
    public async Task ColumnDdlUnderConcurrentWritesKeepsRowsAndShape()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddlcol", """
            CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(20)) DEFAULT CHARSET = utf8mb4;
            INSERT INTO t SELECT seq, seq, CONCAT('s', seq) FROM seq_1_to_200;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddlcol");
        await DdlTestKit.StartAsync(h, task);
        await using (new DdlTestKit.Writer(h.Source, db, "t", 1000))
        {
            foreach (var (ddl, after) in new[]
            {
                ("ALTER TABLE t ADD COLUMN c1 INT NOT NULL DEFAULT 7", "INSERT INTO t (id, v, s, c1) VALUES (501, 1, 'after add', 1)"),
                ("ALTER TABLE t MODIFY s VARCHAR(60) NULL DEFAULT ''", $"INSERT INTO t (id, v, s) VALUES (502, 2, '{new string('x', 55)}')"),
                ("ALTER TABLE t CHANGE COLUMN s label VARCHAR(60) NULL", "INSERT INTO t (id, v, label) VALUES (503, 3, 'changed')"),
                ("ALTER TABLE t RENAME COLUMN c1 TO c2", "UPDATE t SET c2 = c2 + 100 WHERE id <= 10"),
                ("ALTER TABLE t ADD COLUMN d DECIMAL(10,2) AFTER id, ADD COLUMN e VARCHAR(5) CHARACTER SET latin1 FIRST", "INSERT INTO t (id, v, d, e) VALUES (504, 4, 12.5, 'é')"),
                ("ALTER TABLE t DROP COLUMN label", "DELETE FROM t WHERE id BETWEEN 20 AND 30"),
            })
            {
                await DdlTestKit.ExecAsync(h, db, $"INSERT INTO t (id, v) VALUES ({400 + ddl.Length % 97}, 0) ON DUPLICATE KEY UPDATE v = v + 1; {ddl}; {after};");
                await Task.Delay(150);
            }
        }
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        Assert.Equal(6, h.Service.DdlLog.List(task.Name).Count(r => r.Outcome == Engine.Ddl.DdlOutcome.Applied));
    }

    [Fact]
    public async Task IndexConstraintDefaultAndOptionDdlUnderConcurrentWrites()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddlidx", """
            CREATE TABLE u (id INT PRIMARY KEY, v INT, b VARCHAR(10), a INT NOT NULL DEFAULT 0);
            INSERT INTO u SELECT seq, seq, CONCAT('b', seq), seq FROM seq_1_to_100;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddlidx");
        await DdlTestKit.StartAsync(h, task);
        await using (new DdlTestKit.Writer(h.Source, db, "u", 1000))
        {
            foreach (var (ddl, after) in new[]
            {
                ("ALTER TABLE u ADD INDEX ia (a)", "UPDATE u SET a = 5 WHERE id = 1"),
                ("CREATE INDEX ib ON u (b(4))", "INSERT INTO u (id, v, b) VALUES (501, 1, 'created')"),
                ("ALTER TABLE u ADD UNIQUE KEY ua (b, id)", "INSERT INTO u (id, v, b, a) VALUES (502, 2, 'unique', 9)"),
                ("DROP INDEX ia ON u", "UPDATE u SET a = 6 WHERE id = 2"),
                ("ALTER TABLE u DROP INDEX ib, RENAME INDEX ua TO ub", "INSERT INTO u (id, v, b) VALUES (503, 3, 'renamed')"),
                ("ALTER TABLE u ADD CONSTRAINT ck CHECK (a >= 0)", "INSERT INTO u (id, v, a) VALUES (504, 4, 44)"),
                ("ALTER TABLE u ALTER COLUMN a SET DEFAULT 42", "INSERT INTO u (id, v) VALUES (505, 5)"),
                ("ALTER TABLE u ALTER COLUMN b SET DEFAULT 'dflt', DROP CONSTRAINT ck", "INSERT INTO u (id, v, a) VALUES (506, 6, 506)"),
                ("ALTER TABLE u COMMENT = 'hello', ENGINE = InnoDB, ROW_FORMAT = DYNAMIC, ALTER COLUMN b DROP DEFAULT", "DELETE FROM u WHERE id = 3"),
                ("ALTER TABLE u DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)", "UPDATE u SET v = -1 WHERE id = 4"),
            })
            {
                await DdlTestKit.ExecAsync(h, db, $"UPDATE u SET v = v + 1 WHERE id = 10; {ddl}; {after};");
                await Task.Delay(150);
            }
        }
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("u", "u", "id"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        Assert.Equal(10, h.Service.DdlLog.List(task.Name).Count(r => r.Outcome == Engine.Ddl.DdlOutcome.Applied));
    }

    [Fact]
    public async Task PartitionAndTruncateDdlUnderConcurrentWrites()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddlpart", """
            CREATE TABLE p (id INT NOT NULL, v INT, PRIMARY KEY (id))
              PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN (200), PARTITION p2 VALUES LESS THAN (2000));
            INSERT INTO p SELECT seq, seq FROM seq_1_to_150;
            CREATE TABLE q (id INT PRIMARY KEY, v INT);
            INSERT INTO q SELECT seq, seq FROM seq_1_to_50;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddlpart");
        await DdlTestKit.StartAsync(h, task);
        await using (new DdlTestKit.Writer(h.Source, db, "p", 1000))
        {
            foreach (var ddl in new[]
            {
                "ALTER TABLE p ADD PARTITION (PARTITION p3 VALUES LESS THAN (3000)); INSERT INTO p VALUES (2500, 1)",
                "ALTER TABLE p DROP PARTITION p0; INSERT INTO p VALUES (50, 50)",
                "ALTER TABLE p TRUNCATE PARTITION p1; INSERT INTO p VALUES (150, 1)",
                "ALTER TABLE p REORGANIZE PARTITION p3 INTO (PARTITION p3a VALUES LESS THAN (2600), PARTITION p3b VALUES LESS THAN (3000)); INSERT INTO p VALUES (2700, 1)",
                "ALTER TABLE q PARTITION BY HASH (id) PARTITIONS 3; INSERT INTO q VALUES (51, 51)",
                "TRUNCATE TABLE q; INSERT INTO q VALUES (1, 100), (2, 200)",
                "ALTER TABLE q REMOVE PARTITIONING; UPDATE q SET v = 0 WHERE id = 1",
            })
            {
                await DdlTestKit.ExecAsync(h, db, $"INSERT INTO q (id, v) VALUES (900, 0) ON DUPLICATE KEY UPDATE v = v + 1; {ddl};");
                await Task.Delay(150);
            }
        }
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("p", "p", "id"), ("q", "q", "id"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task TablesJoinLeaveAndMoveWithCreateRenameAndDrop()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddltab", """
            CREATE TABLE base (id INT PRIMARY KEY, v INT);
            INSERT INTO base SELECT seq, seq FROM seq_1_to_20;
            CREATE TABLE tmp_x (id INT PRIMARY KEY, v INT, note VARCHAR(10));
            INSERT INTO tmp_x SELECT seq, seq, 'early' FROM seq_1_to_300;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddltab", t => t with
        {
            Exclude = [$"{db}.tmp_*"],
            Renames = new Dictionary<string, string> { [db] = target, [$"{db}.moved"] = $"{target}.moved_t" },
        });
        await DdlTestKit.StartAsync(h, task);
        await using (new DdlTestKit.Writer(h.Source, db, "base", 1000))
        {
            foreach (var ddl in new[]
            {
                "CREATE TABLE n1 (id INT PRIMARY KEY, v INT, w VARCHAR(10) DEFAULT 'w'); INSERT INTO n1 (id, v) VALUES (1, 1), (2, 2)",
                "CREATE TABLE tmp_y (id INT PRIMARY KEY, v INT); INSERT INTO tmp_y VALUES (1, 1)",
                "CREATE TABLE n2 LIKE n1; INSERT INTO n2 (id, v) VALUES (1, 10)",
                "CREATE TABLE n3 AS SELECT id, v FROM base WHERE id <= 5; INSERT INTO n3 VALUES (100, 100)",
                "CREATE TABLE n4 LIKE tmp_y; INSERT INTO n4 VALUES (7, 7)",
                "RENAME TABLE tmp_x TO x_in; INSERT INTO x_in VALUES (301, 301, 'late'); UPDATE x_in SET note = 'updated' WHERE id <= 5",
                "RENAME TABLE n2 TO tmp_n2; INSERT INTO tmp_n2 (id, v) VALUES (2, 20)",
                "RENAME TABLE n1 TO moved; INSERT INTO moved (id, v) VALUES (3, 3)",
                "ALTER TABLE n3 RENAME TO n5, ADD COLUMN z INT; INSERT INTO n5 VALUES (101, 101, 1)",
                "DROP TABLE n4, tmp_y",
            })
            {
                await DdlTestKit.ExecAsync(h, db, $"UPDATE base SET v = v + 1 WHERE id = 1; {ddl};");
                await Task.Delay(150);
            }
        }
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target,
            ("base", "base", "id"), ("x_in", "x_in", "id"), ("moved", "moved_t", "id"), ("n5", "n5", "id"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "tmp_y"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "tmp_x"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "n4"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "n1"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "n3"));
        // Renamed out of the rules: it leaves the task and keeps its name and rows on the target.
        Assert.Equal(1L, await TableSnapshot.CountAsync(h.Target, target, "n2"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task ABacklogOfDdlOnOneTableIsReplayedWithTheShapeOfEachMoment()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ddllag", "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 1);");
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ddllag", t => t with { AutoRestart = false });
        await DdlTestKit.StartAsync(h, task);
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        // While the worker is away the table changes shape four times; its present definition matches none of the earlier rows.
        await DdlTestKit.ExecAsync(h, db, """
            INSERT INTO t VALUES (2, 2);
            ALTER TABLE t ADD COLUMN a VARCHAR(10) CHARACTER SET latin1;
            INSERT INTO t VALUES (3, 3, 'ä');
            ALTER TABLE t ADD COLUMN b BIGINT UNSIGNED FIRST;
            INSERT INTO t VALUES (18446744073709551615, 4, 4, 'ö');
            ALTER TABLE t DROP COLUMN a, MODIFY v VARCHAR(20);
            INSERT INTO t VALUES (5, 5, 'five');
            ALTER TABLE t CHANGE COLUMN b b VARCHAR(30) CHARACTER SET utf8mb4;
            UPDATE t SET b = 'ü' WHERE id = 2;
            """);
        await DdlTestKit.StartAsync(h, task);
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
        Assert.Equal(4, h.Service.DdlLog.List(task.Name).Count(r => r.Outcome == Engine.Ddl.DdlOutcome.Applied));
    }
}
