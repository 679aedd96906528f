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
        Console.WriteLine(DdlTestKit.Log(h, task.Name));
    }
}
