using OmsSync.Engine.Objects;
using OmsSync.Engine.MySql.Objects;
using OmsSync.Engine.MySql.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Objects;

public sealed class ProgramTextTests
{
    private const string Procedure = "CREATE DEFINER=`app``s`@`%` PROCEDURE `restock`(IN n INT)\nBEGIN INSERT INTO stock(qty) VALUES (n); UPDATE shop.orders SET n = n; END";

    [Fact]
    public void TheDefinerClauseGoesWholeAndTheRestStaysAsWritten()
    {
        Assert.Equal("CREATE PROCEDURE `restock`(IN n INT)\nBEGIN INSERT INTO stock(qty) VALUES (n); UPDATE shop.orders SET n = n; END",
            ProgramText.WithoutDefiner(Procedure));
        Assert.Equal("CREATE FUNCTION f() RETURNS INT RETURN 1", ProgramText.WithoutDefiner("CREATE DEFINER=CURRENT_USER() FUNCTION f() RETURNS INT RETURN 1"));
        Assert.Equal("CREATE OR REPLACE TRIGGER t", ProgramText.WithoutDefiner("CREATE OR REPLACE DEFINER = `role1` TRIGGER t"));
        Assert.Equal("CREATE PROCEDURE p() SELECT 'DEFINER=`x`@`y`'", ProgramText.WithoutDefiner("CREATE PROCEDURE p() SELECT 'DEFINER=`x`@`y`'"));
    }

    [Fact]
    public void OrReplaceIsAddedOnce()
    {
        Assert.StartsWith("CREATE OR REPLACE DEFINER=", ProgramText.WithOrReplace(Procedure));
        Assert.Equal("CREATE OR REPLACE EVENT e", ProgramText.WithOrReplace(ProgramText.WithOrReplace("CREATE EVENT e")));
    }

    [Theory]
    [InlineData("CREATE EVENT `e` ON SCHEDULE EVERY 1 HOUR STARTS '2026-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO INSERT INTO t VALUES ('ENABLE')",
        "DISABLE", "CREATE EVENT `e` ON SCHEDULE EVERY 1 HOUR STARTS '2026-01-01 00:00:00' ON COMPLETION NOT PRESERVE DISABLE DO INSERT INTO t VALUES ('ENABLE')")]
    [InlineData("CREATE EVENT e ON SCHEDULE EVERY 1 DAY ON COMPLETION PRESERVE DISABLE ON SLAVE COMMENT 'x' DO BEGIN SELECT 1; END",
        "ENABLE", "CREATE EVENT e ON SCHEDULE EVERY 1 DAY ON COMPLETION PRESERVE ENABLE COMMENT 'x' DO BEGIN SELECT 1; END")]
    [InlineData("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1", "DISABLE", "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1")]
    public void AnEventsStatusIsSetBeforeItsBody(string statement, string status, string expected) =>
        Assert.Equal(expected, ProgramText.WithEventStatus(statement, status));

    [Fact]
    public void BodiesNameTablesAndRoutinesByTheirTargetNames()
    {
        TableReference? Rename(TableReference r) => r.Database == "shop" ? new TableReference("shop_v2", r.Name == "orders" ? "order_hist" : r.Name) : null;
        TableReference? RenameRoutine(TableReference r) => r.Database == "shop" ? new TableReference("shop_v2", r.Name) : null;
        var text = ProgramText.Create(Procedure + "; CALL shop.audit(1)", "shop", keepDefiner: false, orReplace: true, eventStatus: null, Rename, RenameRoutine);
        // The procedure lives in shop_v2 too: a bare name stays bare, renamed only where its table is.
        Assert.Equal("CREATE OR REPLACE PROCEDURE `restock`(IN n INT)\nBEGIN INSERT INTO stock(qty) VALUES (n); UPDATE `shop_v2`.`order_hist` SET n = n; END; " +
                     "CALL `shop_v2`.`audit`(1)", ProgramText.Create(Procedure + "; CALL shop.audit(1)", "shop", false, true, null, Rename, RenameRoutine, "shop_v2"));
        Assert.Contains("INSERT INTO `shop_v2`.`stock`(qty)", text);
    }

    [Fact]
    public void ATriggerIsWrittenOnItsTablesTargetName()
    {
        var trigger = new TriggerDefinition("shop", "log_insert", "orders", "AFTER", "INSERT", 2, "INSERT INTO log(what) VALUES (NEW.id)",
            new ProgramSession("app@localhost", "STRICT_TRANS_TABLES", "utf8mb4", "utf8mb4_general_ci"));
        Assert.Equal("CREATE DEFINER=`app`@`localhost` TRIGGER `shop2`.`log_insert` AFTER INSERT ON `shop2`.`order_hist` FOR EACH ROW INSERT INTO log(what) VALUES (NEW.id)",
            ProgramText.CreateTrigger(trigger, "shop2", "order_hist", keepDefiner: true, orReplace: false, rename: null));
        Assert.StartsWith("CREATE OR REPLACE TRIGGER `shop2`.`log_insert`", ProgramText.CreateTrigger(trigger, "shop2", "order_hist", keepDefiner: false, orReplace: true, rename: null));
    }
}
