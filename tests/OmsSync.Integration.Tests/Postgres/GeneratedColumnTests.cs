using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;
using static OmsSync.Integration.Tests.Verification.VerificationHarness;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>
/// Generated columns between MariaDB and PostgreSQL: those whose expression both servers compute alike are generated
/// columns on the target too, computed there, never written, compared by verification; the others are
/// carried as plain columns holding exactly the source's values,
/// through the schema, the full copy and incremental changes (PostgreSQL's values, which pgoutput does not send,
/// computed by the source; unchanged TOASTed values they read among them), named by the pre-check, compared by
/// verification, and never written by a reverse direction into a table that computes them.
/// </summary>
public sealed class GeneratedColumnTests
{
    // A body larger than the TOAST threshold, stored out of line uncompressed (STORAGE EXTERNAL): an update that does not touch it does not send it.
    private static string Big(string seed) => $"repeat('{seed}', 1500)";

    private const string PostgresTable = """
        (id int PRIMARY KEY, title text NOT NULL, length int,
         hours numeric GENERATED ALWAYS AS (round(length / 60.0, 2)) STORED,
         slug text GENERATED ALWAYS AS (lower(title) || '-' || id) STORED,
         body text,
         body_chars int GENERATED ALWAYS AS (length(body)) STORED,
         label text GENERATED ALWAYS AS (title || ' (' || length(body) || ')') STORED);
        """;

    /// <summary>Each row's values as text both servers write alike (numbers without trailing zeros, the body by its digest).</summary>
    private static Task<List<string>> PostgresRowsAsync(string schema, string table, bool label = true) => TestPostgres.ColumnAsync(
        $"SELECT concat_ws('|', id, title, coalesce(length::text, '-'), coalesce(trim_scale(hours)::text, '-'), coalesce(slug, '-'), " +
        $"coalesce(body_chars::text, '-'), {(label ? "coalesce(label, '-'), " : "")}coalesce(md5(body), '-')) FROM {TestPostgres.Quote(schema)}.{TestPostgres.Quote(table)} ORDER BY id");

    private static async Task<List<string>> MySqlRowsAsync(ServerAddress server, string db, string table, bool label = true)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlCommand(
            "SELECT CONCAT_WS('|', id, title, COALESCE(length, '-'), COALESCE(TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM hours)), '-'), COALESCE(slug, '-'), " +
            $"COALESCE(body_chars, '-'), {(label ? "COALESCE(label, '-'), " : "")}COALESCE(MD5(body), '-')) FROM `{table}` ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task WaitForSameAsync(EngineHarness h, string task, Func<Task<List<string>>> source, Func<Task<List<string>>> target, params Direction[] directions)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (expected, actual) = (await source(), await target());
            if (expected.SequenceEqual(actual)) return;
            if (DateTime.UtcNow > deadline || directions.Any(d => h.Service.Status(task, d).Status == Engine.Model.TaskStatus.Failed))
            {
                Console.Error.WriteLine(string.Join("\n", directions.Select(d => $"{d} ({h.Service.Status(task, d).Status}: {h.Service.Status(task, d).Message}):\n{Log(h, task, d)}")));
                Assert.Equal(expected, actual);
            }
            await Task.Delay(250);
        }
    }

    private static long Id(VerificationDifference d) => long.Parse(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(d.Key!)!["id"]);

    [Fact]
    public async Task PostgreSqlGeneratedColumnsArriveWithTheSourcesValuesInTheCopyAndInEveryChange()
    {
        await using var h = EngineHarness.Create();
        // trips sends only its key with updates; trips_full (REPLICA IDENTITY FULL) whole before-images.
        var schema = await h.CreatePostgresSchemaAsync("pggen", $"""
            CREATE TABLE trips {PostgresTable}
            CREATE TABLE trips_full {PostgresTable}
            ALTER TABLE trips ALTER COLUMN body SET STORAGE EXTERNAL;
            ALTER TABLE trips_full ALTER COLUMN body SET STORAGE EXTERNAL;
            ALTER TABLE trips_full REPLICA IDENTITY FULL;
            INSERT INTO trips (id, title, length, body) VALUES (1, 'Lake Loop', 125, {Big("ab")}), (2, 'Ridge', 61, 'short'), (3, 'Coast', NULL, NULL),
              (4, 'Forest', 200, {Big("cd")}), (5, 'Gone', 10, 'x');
            INSERT INTO trips_full (id, title, length, body) SELECT id, title, length, body FROM trips;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pggen-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });

        // Not refused: each generated column is named, with its expression, as a plain column the target does not compute.
        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        var warnings = checks.Where(r => r.Check == "GeneratedColumns" && r.Status == CheckStatus.Warn).Select(r => r.Message).ToList();
        Assert.Equal(8, warnings.Count);
        Assert.Contains(warnings, m => m.Contains($"\"{schema}\".\"trips\"") && m.Contains("\"hours\"") && m.Contains("round(((length)::numeric / 60.0), 2)") && m.Contains("plain column"));
        Assert.Contains(warnings, m => m.Contains("\"body_chars\"") && m.Contains("length(body)"));

        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        // Plain columns on MariaDB, holding what the full copy read.
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND (EXTRA LIKE '%GENERATED%' OR EXTRA LIKE '%VIRTUAL%' OR EXTRA LIKE '%PERSISTENT%')")));
        Assert.Equal("decimal(65,30)", await TestServers.ScalarAsync(h.Target,
            $"SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'trips' AND COLUMN_NAME = 'hours'"));
        Assert.Equal("1|Lake Loop|125|2.08|lake loop-1|3000|Lake Loop (3000)", string.Join('|', (await MySqlRowsAsync(h.Target, db, "trips"))[0].Split('|')[..7]));

        foreach (var table in new[] { "trips", "trips_full" })
            await TestPostgres.ExecuteAsync($"""
                SET search_path TO {TestPostgres.Quote(schema)};
                INSERT INTO {table} (id, title, length, body) VALUES (6, 'New Trail', 95, {Big("ef")}), (7, 'Small', 1, 'tiny');
                -- The TOASTed body is not sent: hours and slug from the change's own values, label from them and the body the source holds.
                UPDATE {table} SET length = 300, title = 'Lake Loop North' WHERE id = 1;
                UPDATE {table} SET title = 'Forest Deep' WHERE id = 4;
                -- The body changes: sent, and body_chars follows it.
                UPDATE {table} SET body = {Big("xyz")} WHERE id = 2;
                UPDATE {table} SET body = 'now short', length = 30 WHERE id = 6;
                -- A new key: slug reads it.
                UPDATE {table} SET id = 40 WHERE id = 4;
                DELETE FROM {table} WHERE id = 5;
                BEGIN;
                UPDATE {table} SET length = 59 WHERE id = 3;
                UPDATE {table} SET title = 'Cove' WHERE id = 3;
                COMMIT;
                """);
        foreach (var table in new[] { "trips", "trips_full" })
            await WaitForSameAsync(h, task.Name, () => PostgresRowsAsync(schema, table), () => MySqlRowsAsync(h.Target, db, table), Direction.Forward);
        var rows = await MySqlRowsAsync(h.Target, db, "trips");
        Assert.Equal(["1|Lake Loop North|300|5|lake loop north-1|3000|Lake Loop North (3000)", "2|Ridge|61|1.02|ridge-2|4500|Ridge (4500)",
                      "3|Cove|59|0.98|cove-3|-|-", "6|New Trail|30|0.5|new trail-6|9|New Trail (9)", "7|Small|1|0.02|small-7|4|Small (4)",
                      "40|Forest Deep|200|3.33|forest deep-40|3000|Forest Deep (3000)"],
            rows.Select(r => string.Join('|', r.Split('|')[..^1])).ToList());
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        // Verification compares the generated columns' values like any other column's.
        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        AssertNoDifferences(await VerifyAsync(h, task));
        await TestServers.ExecuteAsync(h.Target, "UPDATE trips SET hours = hours + 0.01 WHERE id = 2; UPDATE trips_full SET body_chars = 1 WHERE id = 40", db);
        var found = await VerifyAsync(h, task);
        Assert.Equal([($"{schema}.trips", 2L, DifferenceKind.Different), ($"{schema}.trips_full", 40L, DifferenceKind.Different)],
            found.Differences.Select(d => (d.SourceTable, Id(d), d.Kind)).Order().ToList());
    }

    [Fact]
    public async Task MariaDbGeneratedColumnsArriveWithTheSourcesValuesAndTheReverseDirectionNeverWritesThem()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "mygen", """
            CREATE TABLE trips (id INT PRIMARY KEY, title VARCHAR(100) NOT NULL, length INT,
              hours DECIMAL(10,2) AS (ROUND(length / 60, 2)) STORED,
              slug VARCHAR(200) AS (CONCAT(LOWER(title), '-', id)) VIRTUAL,
              body LONGTEXT,
              body_chars INT AS (CHAR_LENGTH(body)) VIRTUAL);
            INSERT INTO trips (id, title, length, body) VALUES (1, 'Lake Loop', 125, REPEAT('ab', 1500)), (2, 'Ridge', 61, 'short'), (3, 'Coast', NULL, NULL),
              (4, 'Forest', 200, 'trees'), (5, 'Gone', 10, 'x');
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "mygen-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, Topology = Topology.Bidirectional,
        });

        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        var warnings = checks.Where(r => r.Check == "GeneratedColumns" && r.Status == CheckStatus.Warn).Select(r => r.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, m => m.Contains("`hours`") && m.Contains("STORED") && m.Contains("round(`length` / 60,2)", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(warnings, m => m.Contains("`slug`") && m.Contains("VIRTUAL") && m.Contains("plain column"));

        await StartBothAsync(h, task.Name);
        // Plain columns on PostgreSQL, holding what the full copy read (VIRTUAL ones included).
        Assert.Equal(0L, Convert.ToInt64(await TestPostgres.ScalarAsync(
            $"SELECT count(*) FROM pg_attribute WHERE attrelid = '{TestPostgres.Quote(schema)}.trips'::regclass AND attgenerated <> ''")));
        Task<List<string>> Postgres() => PostgresRowsAsync(schema, "trips", label: false);
        Task<List<string>> MariaDb() => MySqlRowsAsync(h.Source, db, "trips", label: false);
        Assert.Equal(await MariaDb(), await Postgres());

        // Through the binlog: STORED values are in its row images, and MariaDB logs VIRTUAL ones too with binlog_row_image=FULL.
        await TestServers.ExecuteAsync(h.Source, $"""
            INSERT INTO trips (id, title, length, body) VALUES (6, 'New Trail', 95, REPEAT('ef', 2000)), (7, 'Small', 1, 'tiny');
            UPDATE trips SET length = 300 WHERE id = 1;
            UPDATE trips SET title = 'Forest Deep' WHERE id = 4;
            UPDATE trips SET body = 'now short', length = 30 WHERE id = 6;
            UPDATE trips SET id = 40 WHERE id = 4;
            DELETE FROM trips WHERE id = 5;
            """, db);
        await WaitForSameAsync(h, task.Name, Postgres, MariaDb, Direction.Forward, Direction.Reverse);
        Assert.Contains("40|Forest Deep|200|3.33|forest deep-40|5|", string.Join("\n", await Postgres()));

        // Written on PostgreSQL: the reverse direction writes the row back without its generated columns, which MariaDB computes
        // (it refuses any other value); the application wrote the same values PostgreSQL's side holds.
        await TestPostgres.ExecuteAsync($"UPDATE {TestPostgres.Quote(schema)}.trips SET title = 'Ridge Top', slug = 'ridge top-2', length = 90, hours = 1.50 WHERE id = 2");
        await WaitForSameAsync(h, task.Name, MariaDb, Postgres, Direction.Forward, Direction.Reverse);
        Assert.Contains("2|Ridge Top|90|1.5|ridge top-2|5|", string.Join("\n", await MariaDb()));
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        await h.Service.RequestAsync(task.Name, Direction.Reverse, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        AssertNoDifferences(await VerifyAsync(h, task));
        await TestPostgres.ExecuteAsync($"UPDATE {TestPostgres.Quote(schema)}.trips SET body_chars = 4 WHERE id = 40");
        var found = await VerifyAsync(h, task);
        Assert.Equal([(40L, DifferenceKind.Different)], found.Differences.Select(d => (Id(d), d.Kind)).ToList());
    }

    [Fact]
    public async Task PostgreSqlComputesItsGeneratedColumnsForTheRowsTheReverseDirectionWrites()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pggenback", $"""
            CREATE TABLE trips {PostgresTable}
            INSERT INTO trips (id, title, length, body) VALUES (1, 'Lake Loop', 125, 'water'), (2, 'Ridge', 61, 'short');
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pggenback-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, Topology = Topology.Bidirectional,
        });
        await StartBothAsync(h, task.Name);

        // Written on MariaDB, where the columns are plain: PostgreSQL refuses values for its generated columns, so the reverse
        // direction leaves them out and PostgreSQL computes them from the row it writes.
        await TestServers.ExecuteAsync(h.Target, """
            UPDATE trips SET title = 'Ridge Top', length = 90 WHERE id = 2;
            INSERT INTO trips (id, title, length, body) VALUES (8, 'Back', 120, 'from mysql');
            DELETE FROM trips WHERE id = 1;
            """, db);
        await WaitForSameAsync(h, task.Name,
            () => Task.FromResult(new List<string> { "2|Ridge Top|90|1.5|ridge top-2|5|Ridge Top (5)", "8|Back|120|2|back-8|10|Back (10)" }),
            async () => (await PostgresRowsAsync(schema, "trips")).Select(r => string.Join('|', r.Split('|')[..^1])).ToList(), Direction.Forward, Direction.Reverse);
        Assert.Empty(h.Service.Conflicts.List(task.Name));
        // The forward direction did not bring the reverse direction's rows back: MariaDB keeps what was written there.
        Assert.Equal("8||", await TestServers.ScalarAsync(h.Target, "SELECT CONCAT_WS('|', id, COALESCE(hours, ''), COALESCE(slug, '')) FROM trips WHERE id = 8", db));
        await h.Service.RequestAsync(task.Name, Direction.Reverse, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    // total, full_name and a1 translate; hours divides, so it is carried as a plain column.
    private const string PostgresOrders = """
        (id int PRIMARY KEY, price numeric(10,2), qty int, first_name text, last_name varchar(20), a int, length int,
         total numeric(12,2) GENERATED ALWAYS AS (price * qty) STORED,
         full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED,
         a1 int GENERATED ALWAYS AS (coalesce(a, 0) + 1) STORED,
         hours numeric GENERATED ALWAYS AS (round(length::numeric / 60.0, 2)) STORED);
        """;

    private const string MariaDbOrders = """
        (id INT PRIMARY KEY, price DECIMAL(10,2), qty INT, first_name VARCHAR(20), last_name VARCHAR(20), a INT, length INT,
         total DECIMAL(12,2) AS (price * qty) STORED,
         full_name VARCHAR(50) AS (CONCAT(first_name, ' ', last_name)) VIRTUAL,
         a1 INT AS (COALESCE(a, 0) + 1) STORED,
         hours DECIMAL(10,2) AS (ROUND(length / 60, 2)) STORED);
        """;

    private const string OrderRows = """
        INSERT INTO orders (id, price, qty, first_name, last_name, a, length) VALUES (1, 12.50, 3, 'Ada', 'Lovelace', NULL, 125),
          (2, 0.99, 10, 'Alan', NULL, 5, 61), (3, NULL, 2, NULL, 'Hopper', -4, NULL), (4, -3.25, 7, 'Grace', 'Hopper', 0, 10);
        """;

    private const string OrderChanges = """
        INSERT INTO orders (id, price, qty, first_name, last_name, a, length) VALUES (5, 7.10, 4, 'Edsger', 'Dijkstra', 41, 30), (6, 1.00, NULL, 'Barbara', 'Liskov', NULL, 0);
        UPDATE orders SET qty = 8, last_name = 'Turing' WHERE id = 2;
        UPDATE orders SET price = 99999.99, a = NULL WHERE id = 3;
        UPDATE orders SET id = 40, first_name = 'Grace B.' WHERE id = 4;
        DELETE FROM orders WHERE id = 1;
        """;

    private static Task<List<string>> PostgresOrderRowsAsync(string schema) => TestPostgres.ColumnAsync(
        "SELECT concat_ws('|', id, coalesce(price::text, '-'), coalesce(qty::text, '-'), coalesce(total::text, '-'), coalesce(full_name, '-'), " +
        $"coalesce(a1::text, '-'), coalesce(trim_scale(hours)::text, '-')) FROM {TestPostgres.Quote(schema)}.orders ORDER BY id");

    private static Task<List<string>> MySqlOrderRowsAsync(ServerAddress server, string db) => MySqlColumnAsync(server, db,
        "SELECT CONCAT_WS('|', id, COALESCE(price, '-'), COALESCE(qty, '-'), COALESCE(total, '-'), COALESCE(full_name, '-'), COALESCE(a1, '-'), " +
        "COALESCE(TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM hours)), '-')) FROM orders ORDER BY id");

    private static async Task<List<string>> MySqlColumnAsync(ServerAddress server, string db, string sql)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static readonly string[] OrdersAfterChanges =
    [
        "2|0.99|8|7.92|Alan Turing|6|1.02", "3|99999.99|2|199999.98|-|1|-", "5|7.10|4|28.40|Edsger Dijkstra|42|0.5",
        "6|1.00|-|-|Barbara Liskov|1|0", "40|-3.25|7|-22.75|Grace B. Hopper|1|0.17",
    ];

    [Fact]
    public async Task TranslatablePostgreSqlGeneratedColumnsAreComputedByMariaDbAndVerified()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("pggenx", $"CREATE TABLE orders {PostgresOrders}\n{OrderRows}");
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pggenx-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, IncrementalDdl = true,
        });

        // Translated columns pass, naming the translation; the untranslated one is a warning naming the reason.
        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        var generated = checks.Where(r => r.Check == "GeneratedColumns").ToList();
        Assert.Equal(["\"a1\"", "\"full_name\"", "\"total\""],
            generated.Where(r => r.Status == CheckStatus.Pass).Select(r => r.Message.Split(' ')[3].TrimEnd(':')).Order().ToList());
        Assert.Contains(generated, r => r.Status == CheckStatus.Pass && r.Message.Contains("computing (`price` * cast(`qty` as decimal(65,0)))"));
        Assert.Contains(generated, r => r.Status == CheckStatus.Pass && r.Message.Contains("computing concat(`first_name`, ' ', `last_name`)"));
        var warning = Assert.Single(generated, r => r.Status == CheckStatus.Warn);
        Assert.Contains("\"hours\"", warning.Message);
        Assert.Contains("is not translated (it divides", warning.Message);

        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        // MariaDB computes the translated columns itself; hours is plain.
        Assert.Equal("a1:coalesce(`a`,0) + 1|full_name:concat(`first_name`,' ',`last_name`)|total:`price` * cast(`qty` as decimal(65,0))", await TestServers.ScalarAsync(h.Target,
            "SELECT GROUP_CONCAT(CONCAT(COLUMN_NAME, ':', GENERATION_EXPRESSION) ORDER BY COLUMN_NAME SEPARATOR '|') FROM information_schema.COLUMNS " +
            $"WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'orders' AND EXTRA = 'STORED GENERATED'"));
        Assert.Equal(await PostgresOrderRowsAsync(schema), await MySqlOrderRowsAsync(h.Target, db));

        await TestPostgres.ExecuteAsync($"SET search_path TO {TestPostgres.Quote(schema)};\n{OrderChanges}");
        await WaitForSameAsync(h, task.Name, () => PostgresOrderRowsAsync(schema), () => MySqlOrderRowsAsync(h.Target, db), Direction.Forward);
        Assert.Equal(OrdersAfterChanges, await MySqlOrderRowsAsync(h.Target, db));
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        // Columns added while the task runs: a translated generated one is added as one MariaDB computes (for the rows it has too),
        // and the rows written from then on leave it and the older ones out.
        await TestPostgres.ExecuteAsync($"""
            SET search_path TO {TestPostgres.Quote(schema)};
            ALTER TABLE orders ADD COLUMN note text, ADD COLUMN twice bigint GENERATED ALWAYS AS (qty * 2) STORED;
            INSERT INTO orders (id, price, qty, first_name, last_name, a, length, note) VALUES (7, 2.00, 5, 'Niklaus', 'Wirth', 1, 60, 'new');
            UPDATE orders SET qty = 3, note = 'changed' WHERE id = 2;
            """);
        Task<List<string>> PostgresAdded() => TestPostgres.ColumnAsync(
            $"SELECT concat_ws('|', id, coalesce(total::text, '-'), coalesce(note, '-'), coalesce(twice::text, '-')) FROM {TestPostgres.Quote(schema)}.orders ORDER BY id");
        async Task<List<string>> MariaDbAdded()
        {
            try
            {
                return await MySqlColumnAsync(h.Target, db, "SELECT CONCAT_WS('|', id, COALESCE(total, '-'), COALESCE(note, '-'), COALESCE(twice, '-')) FROM orders ORDER BY id");
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.BadFieldError)
            {
                return []; // the columns are not added yet
            }
        }
        await WaitForSameAsync(h, task.Name, PostgresAdded, MariaDbAdded, Direction.Forward);
        Assert.Equal(["2|2.97|changed|6", "3|199999.98|-|4", "5|28.40|-|8", "6|-|-|-", "7|10.00|new|10", "40|-22.75|-|14"], await MariaDbAdded());
        Assert.Equal("STORED GENERATED", await TestServers.ScalarAsync(h.Target,
            $"SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'twice'"));

        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        AssertNoDifferences(await VerifyAsync(h, task));
        // A source value the target computes from changes behind the task's back: verification sees the computed column differ too,
        // and a repair writes the row without it, MariaDB computing it again.
        await TestPostgres.ExecuteAsync($"UPDATE {TestPostgres.Quote(schema)}.orders SET qty = 9 WHERE id = 5");
        var found = await VerifyAsync(h, task);
        var difference = Assert.Single(found.Differences);
        Assert.Equal((5L, DifferenceKind.Different), (Id(difference), difference.Kind));
        Assert.Contains("63.90", difference.SourceRow);
        Assert.Contains("28.40", difference.TargetRow);
        await RepairAsync(h, task, found.Differences);
        Assert.Contains("5|7.10|9|63.90|Edsger Dijkstra|42|0.5", await MySqlOrderRowsAsync(h.Target, db));
        Assert.Equal(18L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT twice FROM orders WHERE id = 5", db)));
        AssertNoDifferences(await VerifyAsync(h, task));
        await AssertTargetTableAcceptedAsync(h, task);
    }

    [Fact]
    public async Task TranslatableMariaDbGeneratedColumnsAreComputedByPostgreSqlAndVerified()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "mygenx", $"CREATE TABLE orders {MariaDbOrders}\n{OrderRows}");
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "mygenx-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });

        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        var generated = checks.Where(r => r.Check == "GeneratedColumns").ToList();
        Assert.Equal(3, generated.Count(r => r.Status == CheckStatus.Pass));
        Assert.Contains(generated, r => r.Status == CheckStatus.Pass && r.Message.Contains("`full_name`: generated column (VIRTUAL") && r.Message.Contains("(\"first_name\" || ' '::text || \"last_name\")"));
        Assert.Contains("is not translated (it divides", Assert.Single(generated, r => r.Status == CheckStatus.Warn).Message);

        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        // PostgreSQL computes the translated columns itself (STORED); hours is plain.
        Assert.Equal("a1,full_name,total", await TestPostgres.ScalarAsync(
            $"SELECT string_agg(column_name::text, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'orders' AND is_generated = 'ALWAYS'"));
        Assert.Equal(await MySqlOrderRowsAsync(h.Source, db), await PostgresOrderRowsAsync(schema));

        await TestServers.ExecuteAsync(h.Source, OrderChanges, db);
        await WaitForSameAsync(h, task.Name, () => MySqlOrderRowsAsync(h.Source, db), () => PostgresOrderRowsAsync(schema), Direction.Forward);
        Assert.Equal(OrdersAfterChanges, await PostgresOrderRowsAsync(schema));
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        AssertNoDifferences(await VerifyAsync(h, task));
        await TestServers.ExecuteAsync(h.Source, "UPDATE orders SET last_name = 'Wirth' WHERE id = 5", db);
        var found = await VerifyAsync(h, task);
        var difference = Assert.Single(found.Differences);
        Assert.Equal((5L, DifferenceKind.Different), (Id(difference), difference.Kind));
        Assert.Contains("Edsger Wirth", difference.SourceRow);
        Assert.Contains("Edsger Dijkstra", difference.TargetRow);
        await RepairAsync(h, task, found.Differences);
        Assert.Contains("5|7.10|4|28.40|Edsger Wirth|42|0.5", await PostgresOrderRowsAsync(schema));
        AssertNoDifferences(await VerifyAsync(h, task));
        await AssertTargetTableAcceptedAsync(h, task);
    }

    /// <summary>A schema migration onto the table the task made finds its generated columns as it expects them.</summary>
    private static async Task AssertTargetTableAcceptedAsync(EngineHarness h, MigrationTask task)
    {
        var again = h.AddTask(new MigrationTask
        {
            Name = task.Name + "-again", Source = task.Source, Target = task.Target, AutoRestart = false,
            Include = task.Include, Renames = task.Renames, MigrationTypes = MigrationTypes.Schema,
        });
        var checks = await h.Service.TestTaskAsync(again.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        Assert.Contains(checks, r => r.Check == "Objects" && r.Status == CheckStatus.Pass);
    }
}
