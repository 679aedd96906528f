using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Full migration into PostgreSQL in the background worker: kill -9 in the middle, start again, nothing lost or doubled; hostile names both ways.</summary>
public sealed class PostgresFullResumeTests
{
    [Fact]
    public async Task KilledWorkerResumesByChunkWithNothingLostOrDoubled()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "pgresume", """
            CREATE TABLE big (grp INT NOT NULL, id BIGINT NOT NULL AUTO_INCREMENT, note VARCHAR(100), PRIMARY KEY (grp, id), KEY ix_id (id));
            INSERT INTO big (grp, id, note) SELECT seq % 7, seq, CONCAT('row ', seq, REPEAT('.', seq % 60)) FROM seq_1_to_60000;
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pgresume-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres,
            Include = [$"{db}.big"], Renames = new Dictionary<string, string> { [db] = schema },
            IndexMigration = IndexMigration.AfterFull, RowsPerSecond = 12_000, ChunkRows = 3_000, AutoRestart = false,
        });

        await h.KillDuringFullLoadAsync(task.Name, chunks: 3);
        var copiedBefore = Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT count(*) FROM {TestPostgres.Quote(schema)}.big"));
        Assert.InRange(copiedBefore, 1, 59_999);

        await h.ResumeToCompletionAsync(task);

        var source = await TestServers.ScalarAsync(h.Source,
            $"SELECT CONCAT(COUNT(*), '/', SUM(id), '/', SUM(grp), '/', SUM(CRC32(note))) FROM `{db}`.big");
        var target = await TestPostgres.ScalarAsync(
            $"SELECT count(*) || '/' || sum(id) || '/' || sum(grp) || '/' || count(DISTINCT (grp, id)) FROM {TestPostgres.Quote(schema)}.big");
        Assert.Equal(((string)source!).Split('/')[..3], ((string)target!).Split('/')[..3]);
        Assert.Equal("60000", ((string)target).Split('/')[3]);
        var chunks = await TestPostgres.ColumnAsync($"SELECT count(*) || '/' || count(DISTINCT chunk_no) FROM oms.full_chunks WHERE task = '{task.OmsKey}'");
        Assert.Equal($"{h.Service.Runtime.TableProgress(task.Name).Single().ChunksTotal}/{h.Service.Runtime.TableProgress(task.Name).Single().ChunksTotal}", chunks.Single());
        Assert.Equal(1L, Convert.ToInt64(await TestPostgres.ScalarAsync($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'big_ix_id'")));
        // The identity continues after the copied ids.
        Assert.Equal(60001L, await TestPostgres.ScalarAsync($"INSERT INTO {TestPostgres.Quote(schema)}.big (grp) VALUES (1) RETURNING id"));
    }

    [Fact]
    public async Task HostileNamesGoToPostgreSqlAndBack()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "Host\"ile db");
        await TestServers.ExecuteAsync(h.Source, """
            CREATE TABLE `Order "Items"` (`key` VARCHAR(30) NOT NULL PRIMARY KEY, `col'"\` TEXT, `ñ select` INT, `NULL` VARCHAR(5), `MixedCase` INT,
              UNIQUE KEY `uk "x"` (`MixedCase`));
            INSERT INTO `Order "Items"` VALUES ('a\tb\nc', 'it''s "quoted" \\ back', 1, 'NULL', 1), ('🐘', NULL, NULL, NULL, 2), ('x''y', '\r\n', -1, '', NULL);
            """, db);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var there = h.AddTask(new MigrationTask
        {
            Name = "hostile-pg-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
        });
        await FullMigrationTests.RunInProcessAsync(h, there);
        Assert.Equal("it's \"quoted\" \\ back", await TestPostgres.ScalarAsync(
            $"SELECT \"col'\"\"\\\" FROM {TestPostgres.Quote(schema)}.{TestPostgres.Quote("Order \"Items\"")} WHERE key = E'a\\tb\\nc'"));

        var back = db + "_back";
        h.Track(h.Target, back);
        var home = h.AddTask(new MigrationTask
        {
            Name = "hostile-back-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = back },
        });
        await FullMigrationTests.RunInProcessAsync(h, home);
        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "Order \"Items\"", "`key`"), await TableSnapshot.ReadAsync(h.Target, back, "Order \"Items\"", "`key`"));
    }
}
