using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Ddl;

/// <summary>
/// Online schema change tools, played statement by statement as they run them: their shadow tables stay off the
/// target and their final table swap reaches it as the ALTER it stands for.
/// </summary>
public sealed class OnlineDdlToolTests
{
    [Fact]
    public async Task APtOscStyleTableSwapEndsWithTheRightSchemaAndRows()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ptosc", """
            CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(10));
            INSERT INTO t SELECT seq, seq, CONCAT('s', seq) FROM seq_1_to_500;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ptosc", t => t with { OnlineDdlTool = OnlineDdlTool.PtOsc });
        await DdlTestKit.StartAsync(h, task);
        await using (new DdlTestKit.Writer(h.Source, db, "t", 1000))
        {
            // What pt-online-schema-change --alter "ADD COLUMN c INT NOT NULL DEFAULT 5, ADD INDEX iv (v)" runs.
            await DdlTestKit.ExecAsync(h, db, """
                CREATE TABLE `_t_new` LIKE `t`;
                ALTER TABLE `_t_new` ADD COLUMN c INT NOT NULL DEFAULT 5, ADD INDEX iv (v);
                CREATE TRIGGER `pt_osc_del` AFTER DELETE ON `t` FOR EACH ROW DELETE IGNORE FROM `_t_new` WHERE `id` = OLD.`id`;
                CREATE TRIGGER `pt_osc_upd` AFTER UPDATE ON `t` FOR EACH ROW REPLACE INTO `_t_new` (`id`, `v`, `s`) VALUES (NEW.`id`, NEW.`v`, NEW.`s`);
                CREATE TRIGGER `pt_osc_ins` AFTER INSERT ON `t` FOR EACH ROW REPLACE INTO `_t_new` (`id`, `v`, `s`) VALUES (NEW.`id`, NEW.`v`, NEW.`s`);
                INSERT LOW_PRIORITY IGNORE INTO `_t_new` (`id`, `v`, `s`) SELECT `id`, `v`, `s` FROM `t` WHERE id <= 250 LOCK IN SHARE MODE;
                INSERT LOW_PRIORITY IGNORE INTO `_t_new` (`id`, `v`, `s`) SELECT `id`, `v`, `s` FROM `t` WHERE id > 250 LOCK IN SHARE MODE;
                RENAME TABLE `t` TO `_t_old`, `_t_new` TO `t`;
                DROP TRIGGER IF EXISTS `pt_osc_del`;
                DROP TRIGGER IF EXISTS `pt_osc_upd`;
                DROP TRIGGER IF EXISTS `pt_osc_ins`;
                DROP TABLE IF EXISTS `_t_old`;
                """);
            await Task.Delay(300);
        }
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
        Assert.Contains("c int", await DdlTestKit.ShapeAsync(h.Target, target, "t"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "_t_new"));
        Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, "_t_old"));
        var log = h.Service.DdlLog.List(task.Name);
        Assert.Contains(log, r => r.Outcome == DdlOutcome.Deferred && r.Statement.Contains("ADD COLUMN c"));
        Assert.Contains(log, r => r.Outcome == DdlOutcome.Applied && r.Statement.StartsWith("RENAME TABLE") && r.TargetSql!.Contains("ADD COLUMN c"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    [Fact]
    public async Task AGhOstStyleCutOverEndsWithTheRightSchemaAndRows()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "ghost", """
            CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(10));
            INSERT INTO t SELECT seq, seq, CONCAT('s', seq) FROM seq_1_to_300;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "ghost", t => t with { OnlineDdlTool = OnlineDdlTool.GhOst });
        await DdlTestKit.StartAsync(h, task);
        await using (new DdlTestKit.Writer(h.Source, db, "t", 1000))
        {
            // What gh-ost --alter "DROP COLUMN s, ADD COLUMN c INT" runs up to its cut-over (it copies rows and replays the binlog itself).
            await DdlTestKit.ExecAsync(h, db, """
                CREATE TABLE `_t_ghc` (id BIGINT AUTO_INCREMENT, last_update TIMESTAMP DEFAULT CURRENT_TIMESTAMP, hint VARCHAR(64) NOT NULL, value VARCHAR(4096) NOT NULL,
                  PRIMARY KEY (id), UNIQUE KEY hint_uidx (hint));
                CREATE TABLE `_t_gho` LIKE `t`;
                ALTER TABLE `_t_gho` DROP COLUMN s, ADD COLUMN c INT;
                INSERT INTO `_t_ghc` (hint, value) VALUES ('state', 'migrating');
                INSERT IGNORE INTO `_t_gho` (id, v) SELECT id, v FROM `t`;
                """);
        }
        await DdlTestKit.ExecAsync(h, db, """
            REPLACE INTO `_t_gho` (id, v) SELECT id, v FROM `t`;
            CREATE TABLE `_t_del` (id INT AUTO_INCREMENT PRIMARY KEY) COMMENT = 'ghost-cut-over-sentry';
            DROP TABLE IF EXISTS `_t_del`;
            RENAME TABLE `t` TO `_t_del`, `_t_gho` TO `t`;
            DROP TABLE IF EXISTS `_t_ghc`;
            DROP TABLE IF EXISTS `_t_del`;
            INSERT INTO t (id, v, c) VALUES (100000, 1, 1);
            """);
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
        Assert.DoesNotContain("\ns ", await DdlTestKit.ShapeAsync(h.Target, target, "t"));
        foreach (var shadow in new[] { "_t_gho", "_t_ghc", "_t_del" })
            Assert.False(await DdlTestKit.ExistsAsync(h.Target, target, shadow));
    }
}
