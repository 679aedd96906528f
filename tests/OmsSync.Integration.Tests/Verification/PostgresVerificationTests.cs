using System.Text.Json;
using Npgsql;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using OmsSync.Integration.Tests.Postgres;
using Xunit;
using static OmsSync.Integration.Tests.Verification.VerificationHarness;

namespace OmsSync.Integration.Tests.Verification;

/// <summary>
/// Full verification and repair with PostgreSQL on either side, against the suite's real servers: every type of the
/// map compares equal by its meaning after a copy, and planted differences are found and repaired, by the engine and by
/// the script it writes.
/// </summary>
public sealed class PostgresVerificationTests
{
    private static async Task<MigrationTask> MigrateAsync(EngineHarness h, string source, string target, string from, string to)
    {
        var task = h.AddTask(new MigrationTask
        {
            Name = "pgverify-" + Guid.NewGuid().ToString("N")[..8], Source = source, Target = target,
            Include = [$"{from}.*"], Renames = new Dictionary<string, string> { [from] = to },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full, ChunkRows = 5,
        });
        await FullMigrationTests.RunInProcessAsync(h, task);
        return task;
    }

    private static long Id(VerificationDifference d) => long.Parse(JsonSerializer.Deserialize<Dictionary<string, string>>(d.Key!)!["id"]);

    /// <summary>The differing rows found, as (id, kind), in id order.</summary>
    private static List<(long, DifferenceKind)> Found(Outcome outcome) => outcome.Differences.Select(d => (Id(d), d.Kind)).Order().ToList();

    [Fact]
    public async Task MariaDbIntoPostgreSqlComparesEveryTypeByMeaningAndRepairsPlantedDifferences()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vtopg", PostgresTestData.MySqlTable);
        // The four edge rows, then copies of them (the unique u4 left out) to 32 rows, several chunks of 5: row n copies row (n - 1) % 4 + 1.
        await TestServers.ExecuteAsync(h.Source, PostgresTestData.MySqlRows + """
            INSERT INTO pg_types (id, ti, tu, si, su, mi, mu, i, iu, bi, bu, flag, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, vb, bn, tx, l1, ch, u)
              SELECT id + 4 * seq, ti, tu, si, su, mi, mu, i, iu, bi, bu, flag, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, vb, bn, tx, l1, ch, u
              FROM pg_types, seq_1_to_7;
            """, db);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = await MigrateAsync(h, h.SourceName, h.Postgres, db, schema);
        var clean = await VerifyAsync(h, task);
        AssertNoDifferences(clean);
        Assert.Equal(32, clean.Table($"{db}.pg_types").SourceRows);
        Assert.True(clean.Table($"{db}.pg_types").Chunks > 3);

        // Missing, extra, and different in a timestamp with time zone, a numeric, an enum, jsonb, bytea, a float, a
        // bit string, a NULL where a value was and a value where NULL was.
        var t = $"{TestPostgres.Quote(schema)}.pg_types";
        await TestPostgres.ExecuteAsync($$"""
            DELETE FROM {{t}} WHERE id = 5;
            INSERT INTO {{t}} (id, flag, note) VALUES (1000, 1, 'stray');
            UPDATE {{t}} SET ts = ts + interval '1 microsecond' WHERE id = 6;
            UPDATE {{t}} SET de = de + 0.000000000000000000000000000001 WHERE id = 7;
            UPDATE {{t}} SET e = 'a' WHERE id = 8;
            UPDATE {{t}} SET j = '{"k": [1, 2.5, "x\"y"], "u": "E"}' WHERE id = 9;
            UPDATE {{t}} SET bl = '\x00ff5c090a0e' WHERE id = 10;
            UPDATE {{t}} SET db = 0.3 WHERE id = 11;
            UPDATE {{t}} SET b64 = B'1' WHERE id = 12;
            UPDATE {{t}} SET tx = NULL WHERE id = 13;
            UPDATE {{t}} SET ts = '2001-01-01 00:00:00+00' WHERE id = 15;
            UPDATE {{t}} SET j = '{"u": "\u00e9", "k": [1, 2.50, "x\"y"]}' WHERE id = 17;
            """);
        var found = await VerifyAsync(h, task);
        Assert.Equal([(5L, DifferenceKind.MissingOnTarget), (6L, DifferenceKind.Different), (7L, DifferenceKind.Different), (8L, DifferenceKind.Different),
                      (9L, DifferenceKind.Different), (10L, DifferenceKind.Different), (11L, DifferenceKind.Different), (12L, DifferenceKind.Different),
                      (13L, DifferenceKind.Different), (15L, DifferenceKind.Different), (1000L, DifferenceKind.ExtraOnTarget)], Found(found));
        var row6 = found.Differences.Single(d => Id(d) == 6);
        Assert.NotEqual(JsonSerializer.Deserialize<Dictionary<string, string?>>(row6.SourceRow!)!["ts"], JsonSerializer.Deserialize<Dictionary<string, string?>>(row6.TargetRow!)!["ts"]);

        // The script, run on PostgreSQL, makes the target equal; nothing of it ran before.
        var repairer = new DifferenceRepairer(h.Service.Store, task);
        var script = new StringWriter();
        repairer.WriteScript(script, await repairer.PlanAsync(found.Differences, CancellationToken.None));
        Assert.Contains("OVERRIDING SYSTEM VALUE", script.ToString());
        Assert.Equal(11, Found(await VerifyAsync(h, task)).Count);
        await TestPostgres.ExecuteAsync(script.ToString());
        AssertNoDifferences(await VerifyAsync(h, task));

        // Planted again and repaired by the engine.
        await TestPostgres.ExecuteAsync($"DELETE FROM {t} WHERE id = 20; UPDATE {t} SET ts = NULL, d = '2000-01-01' WHERE id = 21; UPDATE {t} SET u = gen_random_uuid() WHERE id = 1");
        found = await VerifyAsync(h, task);
        Assert.Equal([(1L, DifferenceKind.Different), (20L, DifferenceKind.MissingOnTarget), (21L, DifferenceKind.Different)], Found(found));
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
    }

    [Fact]
    public async Task PostgreSqlIntoMariaDbComparesEveryTypeByMeaningAndRepairsPlantedDifferences()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("vfrompg", PostgresToMySqlTests.NativeSchema + PostgresToMySqlTests.NativeRows + """
            -- Copies of the first two rows: even ids from 4 on copy row 1, odd ones row 2.
            INSERT INTO native (s, i, n, n2, r, d, b, t, v, c, code, by, dt, tm, ts, tz, j, jb, u, bits, vb, m)
              SELECT s, i, n, n2, r, d, b, t, v, c, code || '_' || g, by, dt, tm, ts, tz, j, jb, u, bits, vb, m
              FROM native, generate_series(1, 9) g WHERE id <= 2 ORDER BY g, id;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = await MigrateAsync(h, h.Postgres, h.TargetName, schema, db);
        var clean = await VerifyAsync(h, task);
        AssertNoDifferences(clean);
        Assert.Equal(21, clean.Table($"{schema}.native").SourceRows);

        // A boolean, a timestamp with time zone (its UTC wall time on MariaDB), a numeric, an enum, JSON, bytes, a float, NULLs.
        await TestServers.ExecuteAsync(h.Target, """
            SET time_zone = '+00:00'; SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
            DELETE FROM native WHERE id = 1;
            INSERT INTO native (id, b, code) VALUES (1000, 1, 'stray');
            UPDATE native SET b = 1 - b WHERE id = 2;
            UPDATE native SET tz = tz + INTERVAL 1 HOUR WHERE id = 4;
            UPDATE native SET n = n * 10 WHERE id = 5;
            UPDATE native SET m = 'ok' WHERE id = 6;
            UPDATE native SET jb = '{"a": [1, 2], "b": 2}' WHERE id = 7;
            UPDATE native SET `by` = X'00FF5D' WHERE id = 8;
            UPDATE native SET r = 0.2 WHERE id = 9;
            UPDATE native SET t = NULL WHERE id = 10;
            UPDATE native SET dt = '2024-01-01' WHERE id = 11;
            -- the same document and the same number in other words: not a difference
            UPDATE native SET jb = '{"b":1,"a":[1,2.0]}', n2 = 12345678.12340 WHERE id = 12;
            """, db);
        var found = await VerifyAsync(h, task);
        Assert.Equal([(1L, DifferenceKind.MissingOnTarget), (2L, DifferenceKind.Different), (4L, DifferenceKind.Different), (5L, DifferenceKind.Different),
                      (6L, DifferenceKind.Different), (7L, DifferenceKind.Different), (8L, DifferenceKind.Different), (9L, DifferenceKind.Different),
                      (10L, DifferenceKind.Different), (11L, DifferenceKind.Different), (1000L, DifferenceKind.ExtraOnTarget)], Found(found));

        // The script runs on MariaDB and makes it equal.
        var repairer = new DifferenceRepairer(h.Service.Store, task);
        var script = new StringWriter();
        repairer.WriteScript(script, await repairer.PlanAsync(found.Differences, CancellationToken.None));
        Assert.Contains("REPLACE INTO", script.ToString());
        await TestServers.ExecuteAsync(h.Target, script.ToString(), db);
        AssertNoDifferences(await VerifyAsync(h, task));
        Assert.Equal(PostgresToMySqlTests.ExpectedRows, (await PostgresToMySqlTests.NativeRowsAsync(h.Target, db)).Take(3));

        await TestServers.ExecuteAsync(h.Target, "UPDATE native SET tz = NULL, b = 1 WHERE id = 14; DELETE FROM native WHERE id = 15", db);
        found = await VerifyAsync(h, task);
        Assert.Equal([(14L, DifferenceKind.Different), (15L, DifferenceKind.MissingOnTarget)], Found(found));
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
    }

    [Fact]
    public async Task AFilteredRenamedPostgreSqlTableIsVerifiedAgainstTheRowsItsFilterKeeps()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("vfiltpg", """
            CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, note text, total numeric(8,2), placed timestamptz);
            INSERT INTO orders SELECT g, CASE WHEN g % 4 = 0 THEN 'cancelled' ELSE 'paid' END, 'private', g * 1.5, '2024-05-01 12:00:00+02' FROM generate_series(1, 400) g;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "pgvfilt-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, Include = [$"{schema}.orders"],
            Renames = new Dictionary<string, string> { [$"{schema}.orders"] = $"{db}.kept_orders" },
            RowFilters = new Dictionary<string, string> { [$"{schema}.orders"] = "status <> 'cancelled'" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{schema}.orders"] = ["id", "status", "total", "placed"] },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full, ChunkRows = 50,
        });
        await FullMigrationTests.RunInProcessAsync(h, task);
        var clean = await VerifyAsync(h, task);
        AssertNoDifferences(clean);
        Assert.Equal(300, clean.Table($"{schema}.orders").SourceRows);

        // A column the task leaves out changes on the source: nothing to report. A cancelled order on the target is
        // extra, a kept one gone is missing, a changed total is different.
        await TestPostgres.ExecuteAsync($"UPDATE {TestPostgres.Quote(schema)}.orders SET note = 'changed' WHERE id < 50");
        await TestServers.ExecuteAsync(h.Target, """
            INSERT INTO kept_orders VALUES (4, 'cancelled', 6.00, NULL);
            DELETE FROM kept_orders WHERE id = 5;
            UPDATE kept_orders SET total = 0 WHERE id = 6;
            """, db);
        var found = await VerifyAsync(h, task);
        Assert.Equal([(4L, DifferenceKind.ExtraOnTarget), (5L, DifferenceKind.MissingOnTarget), (6L, DifferenceKind.Different)], Found(found));
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
    }

    [Fact]
    public async Task ValuesSwappedBetweenRowsAndTablesWithoutAKeyAreFoundThroughPostgreSql()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vswappg", """
            CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b CHAR(3) NOT NULL);
            INSERT INTO t SELECT seq, seq % 7 + 1, CONCAT('b', LPAD(seq % 100, 2, '0')) FROM seq_10_to_1009;
            CREATE TABLE bag (v INT, w VARCHAR(10));
            INSERT INTO bag SELECT seq % 10, IF(seq % 3 = 0, NULL, 'dup') FROM seq_1_to_300;
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = await MigrateAsync(h, h.SourceName, h.Postgres, db, schema);
        await TestPostgres.ExecuteAsync($"""
            SET search_path TO {TestPostgres.Quote(schema)};
            UPDATE t SET b = CASE id WHEN 10 THEN 'b11' ELSE 'b10' END WHERE id IN (10, 11);
            UPDATE t SET a = CASE id WHEN 20 THEN 1 ELSE 7 END WHERE id IN (20, 21);
            DELETE FROM bag WHERE ctid = (SELECT ctid FROM bag WHERE v = 1 AND w = 'dup' LIMIT 1);
            INSERT INTO bag VALUES (99, 'x');
            """);
        var found = await VerifyAsync(h, task);
        Assert.Equal([10L, 11L, 20L, 21L], found.Of($"{db}.t").Select(Id).Order());
        Assert.True(found.Table($"{db}.t").Chunks > 100); // chunks of 5 rows: each swap stays inside one
        var bag = found.Table($"{db}.bag");
        Assert.Equal((1, 1), (bag.MissingOnTarget, bag.ExtraOnTarget));
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
    }
}
