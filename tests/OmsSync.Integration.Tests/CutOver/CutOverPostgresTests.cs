using OmsSync.Engine.CutOver;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Integration.Tests.Infrastructure;
using OmsSync.Integration.Tests.Postgres;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.CutOver;

/// <summary>
/// Through PostgreSQL, what applies: sequences travel with the schema at their value and every counter (AUTO_INCREMENT,
/// identity, sequences) moves past the source's at cut-over; stored programs are left behind, each named by the pre-check.
/// </summary>
public sealed class CutOverPostgresTests
{
    [Fact]
    public async Task FromMariaDbSequencesAndCountersArriveAndProgramsAreNamedAsLeftBehind()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "cutpg", """
            CREATE TABLE tickets (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20) NOT NULL);
            CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40) NOT NULL);
            CREATE SEQUENCE batch START WITH 500 INCREMENT BY 5;
            CREATE TRIGGER tickets_ai AFTER INSERT ON tickets FOR EACH ROW INSERT INTO log (what) VALUES (CONCAT('ticket ', NEW.id));
            CREATE PROCEDURE close_all() UPDATE tickets SET what = 'closed';
            INSERT INTO tickets (what) SELECT CONCAT('t', seq) FROM seq_1_to_20;
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "cutpg-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.Contains(checks, c => c.Check == "ObjectsLeftBehind" && c.Target == $"{db}.tickets_ai" && c.Message.StartsWith($"Trigger {db}.tickets_ai is not migrated"));
        Assert.Contains(checks, c => c.Check == "ObjectsLeftBehind" && c.Target == $"{db}.close_all" && c.Status == CheckStatus.Warn);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal(500L, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT nextval('{schema}.batch')")));

        // The source hands out ids and sequence values, some of them never seen on the target (rolled back, deleted).
        await TestServers.ExecuteAsync(h.Source, """
            INSERT INTO tickets (what) SELECT CONCAT('n', seq) FROM seq_1_to_30;
            DELETE FROM tickets WHERE id > 45;
            SELECT NEXTVAL(batch); SELECT NEXTVAL(batch);
            """, db);
        var done = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(Verify: true, QuietSeconds: 2));
        Assert.True(done.Status == TaskStatus.Completed, done.Message);
        // The last verification compares through PostgreSQL like any other.
        Assert.Equal(CutOverStepStatus.Done, done.Steps.Single(s => s.Step == CutOverStep.Verify).Status);
        Assert.Equal(CutOverStepStatus.Skipped, done.Steps.Single(s => s.Step == CutOverStep.Programs).Status);

        Assert.Equal(await CutOverKit.LongAsync(h.Source, "SELECT COUNT(*) FROM tickets", db),
            Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT count(*) FROM {TestPostgres.Quote(schema)}.tickets")));
        // InnoDB hands out ids in growing batches to INSERT ... SELECT: its counter runs past the highest id kept.
        var nextId = await CutOverKit.LongAsync(h.Source, $"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'tickets'");
        Assert.True(nextId > 1 + await CutOverKit.LongAsync(h.Source, "SELECT MAX(id) FROM tickets", db));
        await TestPostgres.ExecuteAsync($"INSERT INTO {TestPostgres.Quote(schema)}.tickets (what) VALUES ('on pg')");
        Assert.Equal(nextId, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT max(id) FROM {TestPostgres.Quote(schema)}.tickets")));
        var nextBatch = await CutOverKit.LongAsync(h.Source, "SELECT next_not_cached_value FROM batch", db);
        Assert.Equal(nextBatch, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT nextval('{schema}.batch')")));
    }

    [Fact]
    public async Task TableFeaturesATargetCannotHoldAreRefusedByThePreCheckNamingTableAndFeature()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "cutfeat", """
            CREATE TABLE history (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
            CREATE TABLE hidden (id INT PRIMARY KEY, secret INT INVISIBLE DEFAULT 0);
            """);
        var toPostgres = h.AddTask(new MigrationTask
        {
            Name = "cutfeat-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres, AutoRestart = false,
            Include = [$"{db}.*"], MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        var checks = await h.Service.TestTaskAsync(toPostgres.Name, CancellationToken.None);
        Assert.Contains(checks, c => c.Status == CheckStatus.Fail && c.Message.Contains($"`{db}`.`history` is system-versioned") && c.Message.Contains("PostgreSql cannot keep its history"));
        Assert.Contains(checks, c => c.Status == CheckStatus.Fail && c.Message.Contains($"`{db}`.`hidden` has INVISIBLE column(s) `secret`"));
        var bidirectional = h.AddTask(new MigrationTask
        {
            Name = "cutfeat-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = db + "_t" }, Topology = Topology.Bidirectional,
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        checks = await h.Service.TestTaskAsync(bidirectional.Name, CancellationToken.None);
        var refused = Assert.Single(checks, c => c.Status == CheckStatus.Fail);
        Assert.Equal(("TableFeatures", $"{db}.history"), (refused.Check, refused.Target));
        Assert.Contains("the reverse direction would write its rows through SQL", refused.Message);
    }

    [Fact]
    public async Task FromPostgresIdentitiesAndSequencesArriveAndFunctionsAndTriggersAreNamedAsLeftBehind()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("cutfrompg", """
            CREATE TABLE tickets (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, what text NOT NULL);
            CREATE TABLE notes (id serial PRIMARY KEY, what text NOT NULL);
            CREATE SEQUENCE batch START WITH 700 INCREMENT BY 7;
            CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.what := upper(NEW.what); RETURN NEW; END $$;
            CREATE TRIGGER tickets_stamp BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION stamp();
            INSERT INTO tickets (what) SELECT 't' || g FROM generate_series(1, 20) g;
            INSERT INTO notes (what) SELECT 'n' || g FROM generate_series(1, 5) g;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "cutfrompg-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.Contains(checks, c => c.Check == "ObjectsLeftBehind" && c.Target == $"{schema}.stamp" && c.Message.StartsWith($"Function {schema}.stamp is not migrated"));
        Assert.Contains(checks, c => c.Check == "ObjectsLeftBehind" && c.Target == $"{schema}.tickets_stamp");
        Assert.DoesNotContain(checks, c => c.Target == $"{schema}.batch");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal(700L, await CutOverKit.LongAsync(h.Target, "SELECT NEXTVAL(batch)", db));

        await TestPostgres.ExecuteAsync($"""
            SET search_path TO {TestPostgres.Quote(schema)};
            INSERT INTO tickets (what) SELECT 'n' || g FROM generate_series(1, 10) g;
            DELETE FROM tickets WHERE id > 25;
            SELECT nextval('batch'), nextval('batch'), nextval('batch');
            SELECT nextval('notes_id_seq');
            """);
        var done = await CutOverKit.SwitchAsync(h, task.Name, new CutOverOptions(Verify: true, QuietSeconds: 2));
        Assert.True(done.Status == TaskStatus.Completed, done.Message);
        Assert.Equal(CutOverStepStatus.Done, done.Steps.Single(s => s.Step == CutOverStep.Verify).Status);

        Assert.Equal(25L, await CutOverKit.LongAsync(h.Target, "SELECT COUNT(*) FROM tickets", db));
        // PostgreSQL handed out 30 ticket ids and 6 note ids: the target continues after them.
        Assert.Equal(31L, await CutOverKit.LongAsync(h.Target, $"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'tickets'"));
        Assert.Equal(7L, await CutOverKit.LongAsync(h.Target, $"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'notes'"));
        Assert.Equal(700L + 7 * 3, await CutOverKit.LongAsync(h.Target, "SELECT NEXTVAL(batch)", db));
    }
}
