using MySqlConnector;
using OmsSync.Engine.CutOver;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.CutOver;

/// <summary>
/// Objects beyond tables and the cut-over, MariaDB to MariaDB: routines, sequences and disabled events come with the schema,
/// triggers (which write other tables) and enabled events at cut-over, system-versioned tables keep their history, INVISIBLE
/// columns their attribute, and after Switch-OmsTask the target holds every row and object the source has.
/// </summary>
public sealed class CutOverTests
{
    private static string Schema(string app) => $"""
        CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(20) NOT NULL, balance INT NOT NULL, pin INT INVISIBLE DEFAULT 0);
        CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id INT NOT NULL, delta INT NOT NULL);
        CREATE TABLE audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(60) NOT NULL);
        CREATE TABLE orders (no BIGINT PRIMARY KEY, account_id INT NOT NULL);
        CREATE TABLE prices (id INT PRIMARY KEY, price INT NOT NULL) WITH SYSTEM VERSIONING
            PARTITION BY SYSTEM_TIME (PARTITION p_history HISTORY, PARTITION p_current CURRENT);
        CREATE TABLE rates (id INT PRIMARY KEY, rate INT NOT NULL, note VARCHAR(20) WITHOUT SYSTEM VERSIONING,
            rs TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE, re TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,
            PERIOD FOR SYSTEM_TIME (rs, re)) WITH SYSTEM VERSIONING;
        CREATE SEQUENCE order_no START WITH 1000 INCREMENT BY 10 CACHE 5;
        CREATE FUNCTION fee(amount INT) RETURNS INT DETERMINISTIC RETURN CEIL(amount / 100);
        CREATE PROCEDURE transfer(IN a INT, IN b INT, IN amount INT)
        BEGIN
          UPDATE accounts SET balance = balance - amount - fee(amount) WHERE id = a;
          UPDATE accounts SET balance = balance + amount WHERE id = b;
        END;
        CREATE DEFINER = `{app}`@`%` PROCEDURE report() SQL SECURITY DEFINER SELECT COUNT(*) FROM ledger;
        CREATE TRIGGER accounts_bi BEFORE INSERT ON accounts FOR EACH ROW SET NEW.owner = UPPER(NEW.owner);
        CREATE TRIGGER accounts_au AFTER UPDATE ON accounts FOR EACH ROW INSERT INTO ledger (account_id, delta) VALUES (NEW.id, NEW.balance - OLD.balance);
        CREATE DEFINER = `{app}`@`%` TRIGGER accounts_au_audit AFTER UPDATE ON accounts FOR EACH ROW FOLLOWS accounts_au
          INSERT INTO audit (what) VALUES (CONCAT('balance of ', NEW.id));
        CREATE TRIGGER prices_ai AFTER INSERT ON prices FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('price ', NEW.id));
        CREATE EVENT sweep ON SCHEDULE EVERY 1 DAY STARTS '2031-01-01 00:00:00' DO INSERT INTO audit (what) VALUES ('sweep');
        CREATE EVENT paused ON SCHEDULE EVERY 1 HOUR DISABLE DO DELETE FROM audit;
        CREATE VIEW balances AS SELECT id, balance - fee(balance) AS net FROM accounts;
        INSERT INTO accounts (owner, balance, pin) SELECT CONCAT('o', seq), 10000, seq FROM seq_1_to_50;
        INSERT INTO prices SELECT seq, 100 FROM seq_1_to_30;
        INSERT INTO rates (id, rate, note) SELECT seq, 5, 'n' FROM seq_1_to_10;
        UPDATE prices SET price = 101 WHERE id <= 10;
        """;

    private static readonly (string, string)[] Plain = [("accounts", "id"), ("ledger", "id"), ("audit", "id"), ("orders", "no")];

    [Fact]
    public async Task ObjectsComeWithTheSchemaOrAtCutOverAndTheTargetHoldsEveryOneAfterIt()
    {
        await using var h = EngineHarness.Create();
        var app = TestServers.UniqueName("app");
        await TestServers.ExecuteAsync(h.Source, $"CREATE USER `{app}`@`%`; GRANT ALL ON *.* TO `{app}`@`%`");
        try
        {
            var db = await h.CreateDatabaseAsync(h.Source, "cutover", Schema(app));
            var target = db + "_t";
            h.Track(h.Target, target);
            var task = IncrementalTests.NewTask(h, db, target, "cutover", autoRestart: false);
            var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
            Assert.Contains(checks, c => c.Check == "Definer" && c.Target == $"{app}@%" && c.Message.Contains($"trigger {db}.accounts_au_audit"));
            Assert.DoesNotContain(checks, c => c.Status == Engine.PreCheck.CheckStatus.Fail);
            h.Service.StartWorker(task.Name, Direction.Forward);
            await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

            // With the schema: routines, the sequence at its value, events disabled; no trigger yet, the versioned tables plain.
            var (triggers, routines, events) = await CutOverKit.ProgramsAsync(h.Target, target);
            Assert.Empty(triggers);
            Assert.Equal(3, routines.Count);
            Assert.All(events, e => Assert.Contains("|DISABLED|", e));
            Assert.Equal(2, events.Count);
            Assert.Equal("BASE TABLE", await TestServers.ScalarAsync(h.Target, $"SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'prices'"));
            Assert.Equal(await CutOverKit.ShowCreateAsync(h.Source, db, "SEQUENCE", "order_no"), await CutOverKit.ShowCreateAsync(h.Target, target, "SEQUENCE", "order_no"));

            // Three writers: transfers through the procedure (its triggers write the ledger and the audit), prices and rates
            // changing (history rows), new accounts and orders numbered by the sequence. A cut-over meanwhile is refused.
            using var stop = new CancellationTokenSource();
            var writers = new[]
            {
                CutOverKit.WriteUntilAsync(h.Source, db, i => $"CALL transfer({1 + i % 50}, {1 + (i * 7) % 50}, {10 + i % 90})", stop.Token),
                CutOverKit.WriteUntilAsync(h.Source, db, i => i % 3 == 0 ? $"DELETE FROM prices WHERE id = {i / 3}"
                    : i % 3 == 1 ? $"INSERT INTO prices VALUES ({100 + i}, {i}) ON DUPLICATE KEY UPDATE price = price + 1"
                    : $"UPDATE rates SET rate = rate + 1, note = 'x{i}' WHERE id = {1 + i % 10}", stop.Token),
                CutOverKit.WriteUntilAsync(h.Source, db, i => i % 2 == 0 ? $"INSERT INTO accounts (owner, balance, pin) VALUES ('new{i}', {i}, {i})"
                    : $"INSERT INTO orders VALUES (NEXTVAL(order_no), {1 + i % 50})", stop.Token),
            };
            var refused = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(QuietSeconds: 2));
            stop.Cancel();
            await Task.WhenAll(writers);
            Assert.Equal(TaskStatus.Failed, refused.Status);
            Assert.Contains("has not stopped writing", refused.Message);
            Assert.Equal(CutOverStepStatus.Failed, refused.Steps.Single(s => s.Step == CutOverStep.QuietCheck).Status);
            Assert.True(h.Service.IsWorkerAlive(task.Name, Direction.Forward), "the refused cut-over changed nothing: the forward direction runs");
            Assert.Empty((await CutOverKit.ProgramsAsync(h.Target, target)).Triggers);

            var done = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(Verify: true, QuietSeconds: 2));
            Assert.True(done.Status == TaskStatus.Completed, done.Message);
            Assert.All(done.Steps, s => Assert.Equal(CutOverStepStatus.Done, s.Status));
            Assert.Contains($"{app}@% does not exist on the target", done.Steps.Single(s => s.Step == CutOverStep.Programs).Detail);
            var forward = h.Service.Status(task.Name, Direction.Forward);
            Assert.Equal(TaskStatus.Stopped, forward.Status);
            Assert.StartsWith("Stopped by cut-over at", forward.Message);

            // Row for row, every version of the versioned tables with its period, the invisible column's values.
            await CutOverKit.AssertSameRowsAsync(h.Source, db, h.Target, target, Plain);
            Assert.Equal(await CutOverKit.VersionsAsync(h.Source, db, "prices", "id, price, row_start, row_end", "id, row_end", versioned: true),
                await CutOverKit.VersionsAsync(h.Target, target, "prices", "id, price, row_start, row_end", "id, row_end", versioned: true));
            Assert.Equal(await CutOverKit.VersionsAsync(h.Source, db, "rates", "id, rate, note, rs, re", "id, re", versioned: true),
                await CutOverKit.VersionsAsync(h.Target, target, "rates", "id, rate, note, rs, re", "id, re", versioned: true));
            Assert.True(await CutOverKit.LongAsync(h.Target, "SELECT COUNT(*) FROM prices FOR SYSTEM_TIME ALL WHERE row_end < '2038-01-01'", target) > 10);
            // Every object as the source has it: tables (AUTO_INCREMENT included), sequence, triggers in order, routines, events, view.
            foreach (var table in new[] { "accounts", "prices", "rates", "ledger" })
                Assert.Equal(await CutOverKit.ShowCreateAsync(h.Source, db, "TABLE", table), await CutOverKit.ShowCreateAsync(h.Target, target, "TABLE", table));
            Assert.Equal(await CutOverKit.ShowCreateAsync(h.Source, db, "SEQUENCE", "order_no"), await CutOverKit.ShowCreateAsync(h.Target, target, "SEQUENCE", "order_no"));
            var (sourcePrograms, targetPrograms) = (await CutOverKit.ProgramsAsync(h.Source, db), await CutOverKit.ProgramsAsync(h.Target, target));
            Assert.Equal(4, sourcePrograms.Triggers.Count);
            Assert.Equal(sourcePrograms.Triggers, targetPrograms.Triggers);
            Assert.Equal(sourcePrograms.Routines, targetPrograms.Routines);
            Assert.Equal(sourcePrograms.Events, targetPrograms.Events);
            Assert.Equal(["ENABLED", "DISABLED"], await CutOverKit.RowsAsync(h.Target, null, $"SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{target}' ORDER BY EVENT_NAME DESC"));
            Assert.Equal(1L, await CutOverKit.LongAsync(h.Target, $"SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '{target}'"));
            Assert.Equal(["oms@%"], await CutOverKit.RowsAsync(h.Target, null,
                $"SELECT DISTINCT DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '{target}' AND TRIGGER_NAME = 'accounts_au_audit'"));

            // The target takes over: its triggers act, its counters continue past the source's.
            var sourceNextId = await CutOverKit.LongAsync(h.Source, $"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'accounts'");
            var sourceNextNo = await CutOverKit.LongAsync(h.Source, "SELECT next_not_cached_value FROM order_no", db);
            var ledger = await CutOverKit.LongAsync(h.Target, "SELECT COUNT(*) FROM ledger", target);
            await TestServers.ExecuteAsync(h.Target, "CALL transfer(1, 2, 100); INSERT INTO accounts (owner, balance) VALUES ('zed', 1); CALL report();", target);
            Assert.Equal(ledger + 2, await CutOverKit.LongAsync(h.Target, "SELECT COUNT(*) FROM ledger", target));
            Assert.Equal(["ZED"], await CutOverKit.RowsAsync(h.Target, target, $"SELECT owner FROM accounts WHERE id = {sourceNextId}"));
            Assert.True(await CutOverKit.LongAsync(h.Target, "SELECT NEXTVAL(order_no)", target) >= sourceNextNo);

            // Taken up again, a completed cut-over says so and changes nothing.
            var again = await Assert.ThrowsAsync<OmsException>(() => CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions()));
            Assert.Equal("CutOverCompleted", again.ErrorId);
        }
        finally
        {
            await TestServers.ExecuteAsync(h.Source, $"DROP USER IF EXISTS `{app}`@`%`");
        }
    }
}
