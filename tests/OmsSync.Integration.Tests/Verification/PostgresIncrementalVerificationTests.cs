using System.Text.Json;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.Infrastructure;
using OmsSync.Integration.Tests.Postgres;
using Xunit;
using static OmsSync.Integration.Tests.Verification.VerificationHarness;

namespace OmsSync.Integration.Tests.Verification;

/// <summary>
/// Verification beside running incremental synchronization with PostgreSQL on either side: a full run and an incremental
/// run under writes report nothing that is only in flight, and find a row the target lost. Out of PostgreSQL, incremental
/// verification reads a temporary slot of its own and leaves the task's slot to the task.
/// </summary>
public sealed class PostgresIncrementalVerificationTests
{
    private const int Accounts = 3_000;

    private static MigrationTask NewTask(EngineHarness h, string source, string target, string from, string to) => h.AddTask(new MigrationTask
    {
        Name = "pgvinc-" + Guid.NewGuid().ToString("N")[..8], Source = source, Target = target, AutoRestart = false,
        Include = [$"{from}.*"], Renames = new Dictionary<string, string> { [from] = to }, ChunkRows = 300,
        MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
    });

    /// <summary>
    /// Transfers between accounts (each a transaction of two updates, a ledger insert and an item inserted or deleted)
    /// until stopped; returns how many were written.
    /// </summary>
    private static async Task<long> WriteAsync(Func<Task<System.Data.Common.DbConnection>> open, bool postgres, CancellationToken stop)
    {
        await using var connection = await open();
        var random = new Random(5);
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            n++;
            var (a, b, amount) = (random.Next(10, Accounts + 1), random.Next(10, Accounts + 1), random.Next(1, 50));
            var item = n % 3 == 0
                ? postgres ? "DELETE FROM items WHERE id = (SELECT min(id) FROM items);" : "DELETE FROM items ORDER BY id LIMIT 1;"
                : $"INSERT INTO items (account, label, at) VALUES ({a}, 'item {n} é', {(postgres ? "clock_timestamp()" : "UTC_TIMESTAMP(6)")});";
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                {(postgres ? "BEGIN" : "START TRANSACTION")};
                UPDATE accounts SET balance = balance - {amount}, n = n + 1, ok = {(postgres ? "NOT ok" : "1 - ok")} WHERE id = {a};
                UPDATE accounts SET balance = balance + {amount}, n = n + 1, seen = {(postgres ? "clock_timestamp()" : "UTC_TIMESTAMP(6)")} WHERE id = {b};
                {item}
                COMMIT;
                """;
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            await Task.Delay(5, CancellationToken.None);
        }
        return n;
    }

    private static long Id(VerificationDifference d) => long.Parse(JsonSerializer.Deserialize<Dictionary<string, string>>(d.Key!)!["id"]);

    /// <summary>
    /// Under writes on the source: a full verification, then an incremental one during which the target loses row 7
    /// (deleted there, then changed on the source, which the task cannot apply): only that row is reported.
    /// </summary>
    private static async Task VerifyUnderWritesAsync(EngineHarness h, MigrationTask task, string sourceTable, Func<Task<System.Data.Common.DbConnection>> openSource,
        bool postgresSource, Func<string, Task> onTarget)
    {
        async Task OnSource(string sql)
        {
            await using var connection = await openSource();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
        h.Service.StartWorker(task.Name, Direction.Forward);
        await Postgres.IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(() => WriteAsync(openSource, postgresSource, stopWriting.Token));
        try
        {
            await Task.Delay(500);
            var during = await VerifyAsync(h, task);
            AssertNoDifferences(during);
            Assert.True(during.Table(sourceTable).Chunks > 3, $"{during.Table(sourceTable).Chunks} chunks");

            using var stopIncremental = new CancellationTokenSource();
            var incremental = VerifyAsync(h, task, VerificationMode.Incremental, stopIncremental.Token);
            var runs = new VerificationStore(h.Service.Store);
            await EngineHarness.WaitUntilAsync(() => runs.LatestRun(task.Name) is { Mode: VerificationMode.Incremental } r && runs.Tables(r.Id).Count > 0,
                TimeSpan.FromSeconds(30), "the incremental run to start");
            await Task.Delay(3000); // changes verified meanwhile
            await onTarget("DELETE FROM accounts WHERE id = 7");
            await OnSource("UPDATE accounts SET note = 'changed' WHERE id = 7");
            var run = runs.LatestRun(task.Name)!;
            await EngineHarness.WaitUntilAsync(() => runs.OpenDifferences(task.Name).Any(d => d.RunId == run.Id), TimeSpan.FromSeconds(30), "the lost row to be found");
            await Task.Delay(2000); // more changes verified
            stopIncremental.Cancel();
            var outcome = await incremental;
            Assert.Equal([(7L, DifferenceKind.MissingOnTarget)], outcome.Differences.Select(d => (Id(d), d.Kind)));
            Assert.True(outcome.Table(sourceTable).SourceRows > 20, $"only {outcome.Table(sourceTable).SourceRows} changed rows verified");
        }
        finally
        {
            stopWriting.Cancel();
            try { await writer; } catch (Exception) when (!writer.IsCompletedSuccessfully) { }
        }
        Assert.True(await writer > 100, $"only {await writer} transactions were written");
        var after = await VerifyAsync(h, task);
        Assert.Equal([(7L, DifferenceKind.MissingOnTarget)], after.Differences.Select(d => (Id(d), d.Kind)));
    }

    [Fact]
    public async Task MariaDbIntoPostgreSqlUnderWritesReportsOnlyALostRow()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vincpg", $"""
            CREATE TABLE accounts (id INT PRIMARY KEY, balance DECIMAL(12,2) NOT NULL, n INT NOT NULL DEFAULT 0, ok TINYINT(1) NOT NULL DEFAULT 1,
              seen TIMESTAMP(6) NULL, kind ENUM('a','b') NOT NULL DEFAULT 'a', note VARCHAR(50));
            INSERT INTO accounts (id, balance, note) SELECT seq, 1000, CONCAT('acct ', seq) FROM seq_1_to_{Accounts};
            CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, label VARCHAR(40), at DATETIME(6));
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = NewTask(h, h.SourceName, h.Postgres, db, schema);
        await VerifyUnderWritesAsync(h, task, $"{db}.accounts", async () => await TestServers.OpenMySqlAsync(h.Source, db), postgresSource: false,
            sql => TestPostgres.ExecuteAsync($"SET search_path TO {TestPostgres.Quote(schema)}; {sql}"));
        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task PostgreSqlIntoMariaDbUnderWritesReportsOnlyALostRowAndLeavesTheTasksSlotAlone()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("vincfrompg", $"""
            CREATE TYPE kind AS ENUM ('a', 'b');
            CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL, n int NOT NULL DEFAULT 0, ok boolean NOT NULL DEFAULT true,
              seen timestamptz, kind kind NOT NULL DEFAULT 'a', note varchar(50));
            INSERT INTO accounts (id, balance, note) SELECT g, 1000, 'acct ' || g FROM generate_series(1, {Accounts}) g;
            CREATE TABLE items (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, account int NOT NULL, label text, at timestamptz);
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = NewTask(h, h.Postgres, h.TargetName, schema, db);
        var slot = Engine.Postgres.Logical.ReplicationObjects.Name(task, Direction.Forward);
        await VerifyUnderWritesAsync(h, task, $"{schema}.accounts", async () =>
            {
                var connection = await TestPostgres.OpenAsync();
                await using var path = new Npgsql.NpgsqlCommand($"SET search_path TO {TestPostgres.Quote(schema)}", connection);
                await path.ExecuteNonQueryAsync();
                return connection;
            }, postgresSource: true, sql => TestServers.ExecuteAsync(h.Target, sql, db));

        // The verification's temporary slot went with it; the task's slot is still the task's, and moves on as the task applies.
        Assert.Equal([slot], await TestPostgres.ColumnAsync($"SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE '{slot}%'"));
        var before = await TestPostgres.ScalarAsync($"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '{slot}'");
        await TestPostgres.ExecuteAsync($"UPDATE {TestPostgres.Quote(schema)}.accounts SET note = 'after' WHERE id = 8");
        await EngineHarness.WaitUntilAsync(async () => Convert.ToString(await TestServers.ScalarAsync(h.Target, "SELECT note FROM accounts WHERE id = 8", db)) == "after",
            TimeSpan.FromSeconds(30), "the task to apply a change after verification");
        await EngineHarness.WaitUntilAsync(async () =>
                !Equals(await TestPostgres.ScalarAsync($"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '{slot}'"), before),
            TimeSpan.FromSeconds(30), "the task's slot to be acknowledged");
        await h.Service.RequestAsync(task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task IncrementalVerificationOfAPostgreSqlSourceWithoutSynchronizationFollowsItsOwnPublication()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("vincpub", """
            CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL, at timestamptz);
            INSERT INTO t SELECT g, 'v', '2024-01-01 00:00:00+02' FROM generate_series(1, 100) g;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pgvpub-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db }, MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
        });
        await FullLoad.FullMigrationTests.RunInProcessAsync(h, task);
        var publication = Engine.Postgres.Logical.SlotChangeFeed.VerificationPublication(task);

        using var stop = new CancellationTokenSource();
        var verifying = VerifyAsync(h, task, VerificationMode.Incremental, stop.Token);
        var runs = new VerificationStore(h.Service.Store);
        await EngineHarness.WaitUntilAsync(async () => await TestPostgres.ScalarAsync($"SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE '{publication}%'") is not null,
            TimeSpan.FromSeconds(30), "the verification's slot");
        var t = $"{TestPostgres.Quote(schema)}.t";
        await TestPostgres.ExecuteAsync($"UPDATE {t} SET v = 'changed' WHERE id = 5; DELETE FROM {t} WHERE id = 9; INSERT INTO {t} VALUES (200, 'new', now())");
        await TestServers.ExecuteAsync(h.Target, "UPDATE t SET at = '2023-12-31 22:00:00' WHERE id = 6", db); // the same instant: not a difference
        await TestPostgres.ExecuteAsync($"UPDATE {t} SET v = 'same' WHERE id = 6");
        await TestServers.ExecuteAsync(h.Target, "UPDATE t SET v = 'same' WHERE id = 6", db);
        var run = runs.LatestRun(task.Name)!;
        await EngineHarness.WaitUntilAsync(() => runs.OpenDifferences(task.Name).Count(d => d.RunId == run.Id) == 3, TimeSpan.FromSeconds(30), "three differences");
        await Task.Delay(1500); // row 6 has been compared too
        stop.Cancel();
        var outcome = await verifying;
        Assert.Equal([(5L, DifferenceKind.Different), (9L, DifferenceKind.ExtraOnTarget), (200L, DifferenceKind.MissingOnTarget)],
            outcome.Differences.Select(d => (Id(d), d.Kind)).Order());
        Assert.Null(await TestPostgres.ScalarAsync($"SELECT 1 FROM pg_publication WHERE pubname = '{publication}'"));
        Assert.Null(await TestPostgres.ScalarAsync($"SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE '{publication}%'"));

        // -Since in the past cannot be read from a new slot: said so, naming the way out.
        var id = runs.CreateRun(task.Name, VerificationMode.Incremental, VerificationOrigin.Cmdlet, [], DateTimeOffset.UtcNow.AddHours(-1));
        var refused = await new VerificationHost(h.Service.Store, task, _ => { }).RunAsync(id, CancellationToken.None);
        Assert.Equal(Engine.Model.TaskStatus.Failed, refused.Status);
        Assert.Contains("-Mode Full", refused.Message);
    }
}
