using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Schema and full migration from MariaDB into PostgreSQL, and back, against the suite's real servers.</summary>
public sealed class MySqlToPostgresTests
{
    private static MigrationTask Task(EngineHarness h, string prefix, string source, string target, string include, IReadOnlyDictionary<string, string> renames,
        MigrationTypes types = MigrationTypes.Schema | MigrationTypes.Full, NonEmptyTargetAction nonEmpty = NonEmptyTargetAction.Stop) => h.AddTask(new MigrationTask
    {
        Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = source, Target = target,
        Include = [include], Renames = renames, MigrationTypes = types, ChunkRows = 2, NonEmptyTarget = nonEmpty,
    });

    [Fact]
    public async Task EveryMappedTypeGoesToPostgreSqlAndComesBackExactly()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "topg", PostgresTestData.MySqlTable);
        await TestServers.ExecuteAsync(h.Source, PostgresTestData.MySqlRows, db);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var there = Task(h, "topg", h.SourceName, h.Postgres, $"{db}.*", new Dictionary<string, string> { [db] = schema });
        await FullMigrationTests.RunInProcessAsync(h, there);

        var types = await TestPostgres.ColumnAsync(
            $"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{TestPostgres.Quote(schema)}.pg_types'::regclass AND attnum > 0 ORDER BY attnum");
        Assert.Equal(PostgresTestData.MappedTypes.Select(t => t == "pg_types_e" ? $"{schema}.pg_types_e" : t), types);
        Assert.Equal("a", await TestPostgres.ScalarAsync($"SELECT e::text FROM {TestPostgres.Quote(schema)}.pg_types WHERE id = 2"));
        Assert.Equal("-infinity", await TestPostgres.ScalarAsync($"SELECT d::text FROM {TestPostgres.Quote(schema)}.pg_types WHERE id = 2"));
        Assert.Equal("2038-01-19 03:14:07.999999+00", await TestPostgres.ScalarAsync($"SELECT ts::text FROM {TestPostgres.Quote(schema)}.pg_types WHERE id = 1"));
        Assert.Equal("\\x00ff5c090a0d", await TestPostgres.ScalarAsync($"SELECT bl::text FROM {TestPostgres.Quote(schema)}.pg_types WHERE id = 1"));
        Assert.Equal("😀 emoji 𝄞 ♥", await TestPostgres.ScalarAsync($"SELECT u4 FROM {TestPostgres.Quote(schema)}.pg_types WHERE id = 1"));
        Assert.Equal("every mapped type", await TestPostgres.ScalarAsync($"SELECT obj_description('{TestPostgres.Quote(schema)}.pg_types'::regclass, 'pg_class')"));
        Assert.Equal(5L, await TestPostgres.ScalarAsync($"INSERT INTO {TestPostgres.Quote(schema)}.pg_types DEFAULT VALUES RETURNING id::bigint"));
        await TestPostgres.ExecuteAsync($"DELETE FROM {TestPostgres.Quote(schema)}.pg_types WHERE id = 5");
        var defaults = await TestPostgres.ColumnAsync(
            $"SELECT column_name || '=' || column_default FROM information_schema.columns WHERE table_schema = '{schema}' AND column_default IS NOT NULL ORDER BY ordinal_position");
        Assert.Equal(["flag=1", $"e='b'::{schema}.pg_types_e", "note='it''s'::character varying"], defaults);

        Assert.Equal(PostgresTestData.SetArrays, await TestPostgres.ColumnAsync($"SELECT s::text FROM {TestPostgres.Quote(schema)}.pg_types ORDER BY id"));

        var back = db + "_back";
        h.Track(h.Target, back);
        var columns = PostgresTestData.ComingBack(await CanonicalRows.ColumnsAsync(h.Source, db, "pg_types"));
        var home = h.AddTask(new MigrationTask
        {
            Name = "frompg-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, Include = [$"{schema}.*"],
            Renames = new Dictionary<string, string> { [schema] = back }, MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full, ChunkRows = 2,
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{schema}.pg_types"] = columns.Select(c => c.Name).ToList() },
        });
        await FullMigrationTests.RunInProcessAsync(h, home);

        var expected = await CanonicalRows.ReadAsync(h.Source, db, "pg_types", columns, "id");
        var actual = await CanonicalRows.ReadAsync(h.Target, back, "pg_types", columns, "id");
        Assert.Equal(4, expected.Count);
        CanonicalRows.AssertEqual(columns, expected, actual);
    }

    [Theory]
    [InlineData("d DATE", "'2024-00-10'", "2024-00-10")]
    [InlineData("d TIME", "'25:00:00'", "25:00:00")]
    public async Task AValuePostgreSqlCannotHoldStopsTheCopyNamingItWithNothingWritten(string column, string literal, string shown)
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "badpg", $"""
            SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
            CREATE TABLE t (id INT PRIMARY KEY, {column});
            INSERT INTO t VALUES (1, NULL), (2, {literal}), (3, NULL);
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = Task(h, "badpg", h.SourceName, h.Postgres, $"{db}.*", new Dictionary<string, string> { [db] = schema });
        var error = await Assert.ThrowsAsync<OmsException>(() => FullMigrationTests.RunInProcessAsync(h, task));

        Assert.Equal("ValueNotRepresentable", error.ErrorId);
        Assert.Contains("column `d`, row with key (`id` = 2)", error.Message);
        Assert.Contains($"'{shown}'", error.Message);
        // ChunkRows = 2: the chunk holding the value is not written, and no marker claims it.
        var loaded = await TestPostgres.ColumnAsync($"SELECT id::text FROM {TestPostgres.Quote(schema)}.t ORDER BY id");
        Assert.DoesNotContain("2", loaded);
        Assert.Equal(loaded.Count, Convert.ToInt32(await TestPostgres.ScalarAsync(
            $"SELECT coalesce(sum(rows_loaded), 0)::int FROM oms.full_chunks WHERE task = '{task.OmsKey}'")));
    }

    [Fact]
    public async Task IntoANonEmptyTableWithIgnoreTheTargetsRowsAreKeptAndRecorded()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "keeppg", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), at DATETIME(6), amount DECIMAL(12,4));
            INSERT INTO t SELECT seq, CONCAT('src', seq), TIMESTAMPADD(MICROSECOND, seq, '2024-05-01 10:00:00'), seq / 8 FROM seq_1_to_9;
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var renames = new Dictionary<string, string> { [db] = schema };
        await FullMigrationTests.RunInProcessAsync(h, Task(h, "keeppg", h.SourceName, h.Postgres, $"{db}.*", renames, MigrationTypes.Schema));
        await TestPostgres.ExecuteAsync($"INSERT INTO {TestPostgres.Quote(schema)}.t VALUES (3, 'mine', NULL, 0), (7, 'mine too', NULL, 1)");

        var task = Task(h, "keeppg", h.SourceName, h.Postgres, $"{db}.*", renames, MigrationTypes.Full, NonEmptyTargetAction.Ignore);
        await FullMigrationTests.RunInProcessAsync(h, task);

        Assert.Equal(["1|src1|2024-05-01 10:00:00.000001|0.1250", "2|src2|2024-05-01 10:00:00.000002|0.2500", "3|mine||0.0000",
                      "4|src4|2024-05-01 10:00:00.000004|0.5000", "5|src5|2024-05-01 10:00:00.000005|0.6250", "6|src6|2024-05-01 10:00:00.000006|0.7500",
                      "7|mine too||1.0000", "8|src8|2024-05-01 10:00:00.000008|1.0000", "9|src9|2024-05-01 10:00:00.000009|1.1250"],
            await TestPostgres.ColumnAsync($"SELECT concat_ws('|', id, v, coalesce(at::text, ''), amount) FROM {TestPostgres.Quote(schema)}.t ORDER BY id"));
        var conflicts = h.Service.Conflicts.List(task.Name).OrderBy(c => c.Key).ToList();
        Assert.Equal(["""{"id":"3"}""", """{"id":"7"}"""], conflicts.Select(c => c.Key));
        Assert.All(conflicts, c => Assert.Equal("KeptTarget", c.Outcome));
        Assert.Contains("\"mine\"", conflicts[0].TargetRow);
    }
}
