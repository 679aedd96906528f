using Npgsql;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>
/// What the one change pipeline gives every pairing, shown with PostgreSQL on one side: parallel lanes both ways,
/// conflict policies changed while running, NewerWins from whole before-images, and a source's columns followed.
/// </summary>
public sealed class PostgresPipelineTests
{
    private const string Accounts = "CREATE TABLE acc (id int PRIMARY KEY, n int NOT NULL, ts timestamp(6) NOT NULL DEFAULT '2024-01-01');" +
                                    "INSERT INTO acc SELECT g, 0 FROM generate_series(1, 200) g;";

    private static MigrationTask FromPostgres(EngineHarness h, string schema, string db, string prefix, Func<MigrationTask, MigrationTask>? more = null) =>
        h.AddTask((more ?? (t => t))(new MigrationTask
        {
            Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, WriteConcurrency = 2,
        }));

    private static async Task OneTransactionEachAsync(IEnumerable<string> statements)
    {
        await using var postgres = await TestPostgres.OpenAsync();
        foreach (var sql in statements)
            await new NpgsqlCommand(sql, postgres).ExecuteNonQueryAsync();
    }

    private static async Task WaitForAsync(EngineHarness h, string task, Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try { if (await done()) return; }
            catch (MySqlConnector.MySqlException) { } // not created yet
            if (h.Service.Status(task, Direction.Forward).Status is TaskStatus.Failed or TaskStatus.Suspended) break;
            await Task.Delay(200);
        }
        var state = h.Service.Status(task, Direction.Forward);
        Assert.Fail($"waiting for {what}: task {state.Status}: {state.Message}\n{Log(h, task)}");
    }

    private static string Log(EngineHarness h, string task) =>
        File.Exists(h.Service.Home.WorkerLog(task, Direction.Forward)) ? File.ReadAllText(h.Service.Home.WorkerLog(task, Direction.Forward)) : "";

    private static async Task<long> MySqlLongAsync(EngineHarness h, string sql) => Convert.ToInt64(await TestServers.ScalarAsync(h.Target, sql));

    [Fact]
    public async Task ChangesOutOfPostgresSpreadOverLanesAndAPolicyChangedWhileRunningTakesEffect()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pglanes", Accounts);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = FromPostgres(h, schema, db, "pglanes");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);

        // A backlog of transactions on rows of their own: groups of them commit side by side, each whole.
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        await OneTransactionEachAsync(Enumerable.Range(1, 200).Select(i => $"UPDATE {TestPostgres.Quote(schema)}.acc SET n = n + {i} WHERE id = {i}"));
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForAsync(h, task.Name, async () => await MySqlLongAsync(h, $"SELECT SUM(n) FROM `{db}`.acc") == 200 * 201 / 2, "every update");
        Assert.True(await MySqlLongAsync(h, $"SELECT COUNT(*) FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward/lane1'") == 1,
            $"the second lane committed groups of transactions of its own:\n{Log(h, task.Name)}");

        // Ignore (the default) keeps the target's row; Overwrite, set while the worker runs, takes the source's.
        await TestServers.ExecuteAsync(h.Target, "INSERT INTO acc (id, n, ts) VALUES (1001, -1, '2024-01-01'), (1002, -1, '2024-01-01')", db);
        await OneTransactionEachAsync([$"INSERT INTO {TestPostgres.Quote(schema)}.acc (id, n) VALUES (1001, 7)"]);
        await WaitForAsync(h, task.Name, () => Task.FromResult(h.Service.Conflicts.List(task.Name).Count == 1), "the first conflict");
        h.Service.Tasks.Update(h.Service.Tasks.Get(task.Name) with { ConflictRules = [new ConflictRule { Policy = ConflictPolicy.Overwrite }] });
        await Task.Delay(TimeSpan.FromSeconds(3)); // the worker looks at the rules about once a second, between batches
        await OneTransactionEachAsync([$"INSERT INTO {TestPostgres.Quote(schema)}.acc (id, n) VALUES (1002, 8)"]);
        await WaitForAsync(h, task.Name, async () => await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 1002") == 8, "the overwrite");
        var conflicts = h.Service.Conflicts.List(task.Name).OrderBy(c => c.Id).Select(c => (c.Type, c.Key, c.Outcome)).ToList();
        Assert.Equal([(ConflictType.InsertExists, """{"id":"1001"}""", "KeptTarget"), (ConflictType.InsertExists, """{"id":"1002"}""", "AppliedSource")], conflicts);
        Assert.Equal(-1L, await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 1001"));
    }

    [Fact]
    public async Task NewerWinsFromPostgresNeedsWholeBeforeImagesAndThenKeepsTheNewerRow()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pgnewer", Accounts);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = FromPostgres(h, schema, db, "pgnewer", t => t with
        {
            ConflictRules = [new ConflictRule { Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" }],
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);

        // Without REPLICA IDENTITY FULL an update's before-image is its key alone: the task stops and says what to do.
        await OneTransactionEachAsync([$"UPDATE {TestPostgres.Quote(schema)}.acc SET n = 1, ts = '2025-01-01' WHERE id = 1"]);
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == TaskStatus.Failed, TimeSpan.FromSeconds(60), "the task to stop");
        Assert.Contains("REPLICA IDENTITY FULL", h.Service.Status(task.Name, Direction.Forward).Message);
        Assert.Equal(0L, await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 1"));

        await TestPostgres.ExecuteAsync($"ALTER TABLE {TestPostgres.Quote(schema)}.acc REPLICA IDENTITY FULL");
        // Row 2 changed on the target later than on the source: the target's stays. Row 3 the other way round.
        await TestServers.ExecuteAsync(h.Target, "UPDATE acc SET n = -2, ts = '2030-01-01' WHERE id = 2; UPDATE acc SET n = -3, ts = '2024-06-01' WHERE id = 3", db);
        await OneTransactionEachAsync([
            $"UPDATE {TestPostgres.Quote(schema)}.acc SET n = 2, ts = '2025-01-01' WHERE id = 2",
            $"UPDATE {TestPostgres.Quote(schema)}.acc SET n = 3, ts = '2025-01-01' WHERE id = 3",
        ]);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForAsync(h, task.Name, async () => await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 3") == 3, "the newer source row");
        Assert.Equal(1L, await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 1")); // the update that stopped the task, read again
        Assert.Equal(-2L, await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 2"));
        var conflicts = h.Service.Conflicts.List(task.Name).OrderBy(c => c.Id).Select(c => (c.Type, c.Key, c.Outcome)).ToList();
        Assert.Equal([(ConflictType.UpdateStale, """{"id":"2"}""", "KeptTarget"), (ConflictType.UpdateStale, """{"id":"3"}""", "AppliedSource")], conflicts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ColumnsAddedAndDroppedOnPostgresReachTheTargetOrPauseTheTask(bool synchronizeDdl)
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pgcols", Accounts);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = FromPostgres(h, schema, db, "pgcols", t => t with { IncrementalDdl = synchronizeDdl });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        var table = $"{TestPostgres.Quote(schema)}.acc";

        await TestPostgres.ExecuteAsync($"ALTER TABLE {table} ADD COLUMN note varchar(20); INSERT INTO {table} (id, n, note) VALUES (201, 1, 'added')");
        if (!synchronizeDdl)
        {
            await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == TaskStatus.Suspended, TimeSpan.FromSeconds(60), "the task to pause");
            var message = h.Service.Status(task.Name, Direction.Forward).Message!;
            Assert.Contains("added note", message);
            Assert.Contains("ADD COLUMN `note` varchar(20)", message);
            Assert.Equal(0L, await MySqlLongAsync(h, $"SELECT COUNT(*) FROM `{db}`.acc WHERE id = 201"));
            // The DBA does what the message says, and resumes.
            await TestServers.ExecuteAsync(h.Target, "ALTER TABLE acc ADD COLUMN note varchar(20)", db);
            h.Service.StartWorker(task.Name, Direction.Forward);
        }
        await WaitForAsync(h, task.Name, async () => Convert.ToString(await TestServers.ScalarAsync(h.Target, $"SELECT note FROM `{db}`.acc WHERE id = 201")) == "added",
            "the row with its new column");

        await TestPostgres.ExecuteAsync($"ALTER TABLE {table} DROP COLUMN note; INSERT INTO {table} (id, n) VALUES (202, 2)");
        if (!synchronizeDdl)
        {
            await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == TaskStatus.Suspended, TimeSpan.FromSeconds(60), "the task to pause");
            Assert.Contains("dropped note", h.Service.Status(task.Name, Direction.Forward).Message);
            await TestServers.ExecuteAsync(h.Target, "ALTER TABLE acc DROP COLUMN note", db);
            h.Service.StartWorker(task.Name, Direction.Forward);
        }
        await WaitForAsync(h, task.Name, async () => await MySqlLongAsync(h, $"SELECT COUNT(*) FROM `{db}`.acc WHERE id = 202") == 1, "the row after the drop");
        Assert.Equal(0L, await MySqlLongAsync(h, $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'acc' AND COLUMN_NAME = 'note'"));

        // A type the target's column cannot hold: widened there too.
        await TestPostgres.ExecuteAsync($"ALTER TABLE {table} ALTER COLUMN n TYPE bigint; INSERT INTO {table} (id, n) VALUES (203, 5000000000)");
        if (!synchronizeDdl)
        {
            await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == TaskStatus.Suspended, TimeSpan.FromSeconds(60), "the task to pause");
            Assert.Contains("MODIFY COLUMN `n` bigint", h.Service.Status(task.Name, Direction.Forward).Message);
            await TestServers.ExecuteAsync(h.Target, "ALTER TABLE acc MODIFY COLUMN n bigint NOT NULL", db);
            h.Service.StartWorker(task.Name, Direction.Forward);
        }
        await WaitForAsync(h, task.Name, async () => await MySqlLongAsync(h, $"SELECT n FROM `{db}`.acc WHERE id = 203") == 5000000000L, "the row of the wider type");
        var outcomes = h.Service.DdlLog.List(task.Name).Select(d => d.Outcome).ToList();
        Assert.Equal(Enumerable.Repeat(synchronizeDdl ? Engine.Ddl.DdlOutcome.Applied : Engine.Ddl.DdlOutcome.Paused, 3), outcomes);
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    private const string Family = """
        CREATE TABLE parents (id int PRIMARY KEY, name varchar(20) NOT NULL);
        CREATE TABLE kids (id int PRIMARY KEY, parent_id int NULL, FOREIGN KEY (parent_id) REFERENCES parents (id) ON DELETE CASCADE ON UPDATE CASCADE);
        CREATE TABLE notes (id int PRIMARY KEY, parent_id int NULL, FOREIGN KEY (parent_id) REFERENCES parents (id) ON DELETE SET NULL ON UPDATE CASCADE);
        """;

    private static readonly string[] FamilyRows =
    [
        "SELECT CONCAT_WS('|', id, name) FROM parents ORDER BY id",
        "SELECT CONCAT_WS('|', id, COALESCE(parent_id, '-')) FROM kids ORDER BY id",
        "SELECT CONCAT_WS('|', id, COALESCE(parent_id, '-')) FROM notes ORDER BY id",
    ];

    private static async Task<List<string>> MySqlFamilyAsync(ServerAddress server, string db)
    {
        var rows = new List<string>();
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        foreach (var sql in FamilyRows)
        {
            await using var reader = await new MySqlConnector.MySqlCommand(sql, connection).ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        }
        return rows;
    }

    private static async Task<List<string>> PostgresFamilyAsync(string schema)
    {
        var rows = new List<string>();
        foreach (var sql in FamilyRows)
            rows.AddRange(await TestPostgres.ColumnAsync(sql.Replace("CONCAT_WS", "concat_ws").Replace("COALESCE(parent_id, '-')", "coalesce(parent_id::text, '-')")
                .Replace(" FROM ", $" FROM {TestPostgres.Quote(schema)}.")));
        return rows;
    }

    private static async Task WaitForSameFamilyAsync(EngineHarness h, string task, Func<Task<List<string>>> source, Func<Task<List<string>>> target)
    {
        await WaitForAsync(h, task, async () => (await source()).SequenceEqual(await target()), "the same rows on both sides");
        Assert.Empty(h.Service.Conflicts.List(task));
    }

    private static readonly string[] FamilyWork =
    [
        "DELETE FROM parents WHERE id % 10 = 1",
        "UPDATE parents SET id = id + 1000 WHERE id % 10 = 2",
        "DELETE FROM parents WHERE id IN (3, 13, 23)",
        "INSERT INTO parents VALUES (5000, 'new')",
        "INSERT INTO kids VALUES (9000, 5000)",
    ];

    [Fact]
    public async Task CascadesOfAMariaDbSourceReachAPostgresTarget()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "fkmypg", Family + """
            INSERT INTO parents SELECT seq, CONCAT('p', seq) FROM seq_1_to_200;
            INSERT INTO kids SELECT seq, 1 + seq % 200 FROM seq_1_to_400;
            INSERT INTO notes SELECT seq, seq FROM seq_1_to_200;
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "fkmypg-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, WriteConcurrency = 2,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal(2L, Convert.ToInt64(await TestPostgres.ScalarAsync(
            $"SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = '{schema}'")));
        await using (var mysql = await TestServers.OpenMySqlAsync(h.Source, db))
            foreach (var sql in FamilyWork)
                await new MySqlConnector.MySqlCommand(sql, mysql).ExecuteNonQueryAsync();
        await WaitForSameFamilyAsync(h, task.Name, () => MySqlFamilyAsync(h.Source, db), () => PostgresFamilyAsync(schema));
    }

    [Fact]
    public async Task CascadesOfAPostgresSourceReachAMariaDbTargetOnce()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("fkpgmy", Family + """
            INSERT INTO parents SELECT g, 'p' || g FROM generate_series(1, 200) g;
            INSERT INTO kids SELECT g, 1 + g % 200 FROM generate_series(1, 400) g;
            INSERT INTO notes SELECT g, g FROM generate_series(1, 200) g;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = FromPostgres(h, schema, db, "fkpgmy");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal(2L, await MySqlLongAsync(h, $"SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '{db}'"));
        await OneTransactionEachAsync(FamilyWork.Select(sql => $"SET search_path TO {TestPostgres.Quote(schema)}; {sql}"));
        // PostgreSQL logs what its cascades changed; applied as they come, with the target's checks off, never twice.
        await WaitForSameFamilyAsync(h, task.Name, () => PostgresFamilyAsync(schema), () => MySqlFamilyAsync(h.Target, db));
    }

    [Fact]
    public async Task ChangesIntoPostgresSpreadOverLanes()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "mylanes", "CREATE TABLE acc (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO acc SELECT seq, 0 FROM seq_1_to_200;");
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "mylanes-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, WriteConcurrency = 2,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        await using (var mysql = await TestServers.OpenMySqlAsync(h.Source, db))
            foreach (var i in Enumerable.Range(1, 200))
                await new MySqlConnector.MySqlCommand($"UPDATE acc SET n = n + {i} WHERE id = {i}", mysql).ExecuteNonQueryAsync();
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForAsync(h, task.Name, async () => Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT SUM(n) FROM {TestPostgres.Quote(schema)}.acc")) == 200 * 201 / 2,
            "every update");
        Assert.Equal(1L, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT COUNT(*) FROM oms.checkpoints WHERE task = '{task.OmsKey}' AND direction = 'Forward/lane1'")));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }
}
