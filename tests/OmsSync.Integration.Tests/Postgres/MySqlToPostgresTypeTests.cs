using System.Text.Json;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;
using static OmsSync.Integration.Tests.Verification.VerificationHarness;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>
/// MariaDB's spatial types, SET, INET4 and INET6 into PostgreSQL and back: PostGIS geometry (or bytea holding EWKB in a
/// database without PostGIS), text[] and inet, through schema, full copy, the binlog, verification and a bidirectional
/// task's way back, every value compared byte for byte. Each test has a PostgreSQL database of its own, the PostGIS
/// ones with the extension created in it.
/// </summary>
public sealed class MySqlToPostgresTypeTests
{
    private static readonly string[] Spatial = ["g", "p", "l", "a", "mp", "ml", "ma", "gc", "p4", "ma4", "g4"];

    private const string Table = """
        CREATE TABLE shapes (
          id INT PRIMARY KEY,
          g GEOMETRY, p POINT, l LINESTRING, a POLYGON, mp MULTIPOINT, ml MULTILINESTRING, ma MULTIPOLYGON, gc GEOMETRYCOLLECTION,
          p4 POINT REF_SYSTEM_ID=4326, ma4 MULTIPOLYGON REF_SYSTEM_ID=4326, g4 GEOMETRY REF_SYSTEM_ID=4326,
          s SET('a','b','c d'), i4 INET4, i6 INET6
        )
        """;

    private static string Geo(string wkt, int srid) => $"ST_GeomFromText('{wkt}', {srid})";

    /// <summary>A row with a value of every spatial type in <paramref name="srid"/> (the declared-SRID columns in 4326).</summary>
    private static string Row(int id, int srid, string set, string i4, string i6) =>
        $"INSERT INTO shapes VALUES ({id}, " +
        $"{Geo(id % 2 == 1 ? "MULTIPOINT(1 1,2 2)" : "POLYGON((0 0,10 0,10 10,0 10,0 0))", srid)}, " +
        $"{Geo(id % 2 == 1 ? "POINT(1 2)" : "POINT(-179.99999999999997 0.1)", srid)}, {Geo("LINESTRING(0 0,1.5 2.25,-3 4)", srid)}, " +
        $"{Geo("POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 2))", srid)}, {Geo("MULTIPOINT(1 1,2 2)", srid)}, " +
        $"{Geo("MULTILINESTRING((0 0,1 1),(2 2,3 3))", srid)}, {Geo("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))", srid)}, " +
        $"{Geo("GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0)))", srid)}, " +
        $"{Geo("POINT(1 2)", 4326)}, {Geo("MULTIPOLYGON(((0 0,1 0,1 1,0 0)))", 4326)}, {Geo("LINESTRING(1 1,2 2)", 4326)}, '{set}', '{i4}', '{i6}');\n";

    /// <summary>Every spatial type in SRID 0 and in 4326, the empty collection, the empty SET and every member, addresses, and a row of NULLs.</summary>
    private static readonly string Rows =
        Row(1, 0, "a,c d", "10.0.0.1", "::ffff:10.0.0.1") +
        Row(2, 4326, "a,b,c d", "255.255.255.255", "2001:db8::8a2e:370:7334") +
        $"INSERT INTO shapes (id, g, gc, s, i4, i6) VALUES (3, {Geo("GEOMETRYCOLLECTION EMPTY", 4326)}, {Geo("GEOMETRYCOLLECTION EMPTY", 0)}, '', '0.0.0.0', '::');\n" +
        "INSERT INTO shapes (id) VALUES (4);\n";

    private static string SourceName(string db) => $"{db}.shapes";

    /// <summary>Each row on MariaDB: every geometry as its SRID and WKB in hex, the SET, the addresses.</summary>
    private static async Task<List<string>> MySqlRowsAsync(ServerAddress server, string db)
    {
        var columns = Spatial.Select(c => $"IFNULL(CONCAT(ST_SRID({c}), ':', HEX(ST_AsWKB({c}))), '-')").Concat(["IFNULL(s, '-')", "IFNULL(CAST(i4 AS CHAR), '-')", "IFNULL(CAST(i6 AS CHAR), '-')"]);
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlConnector.MySqlCommand($"SELECT CONCAT_WS('|', id, {string.Join(", ", columns)}) FROM shapes ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    /// <summary>The same on PostgreSQL, from PostGIS's own SRID and WKB (in MariaDB's byte order) and the SET's array joined as MySQL joins it.</summary>
    private static Task<List<string>> PostgresRowsAsync(ScratchPostgresDatabase database, string schema) =>
        database.ColumnAsync($"SELECT concat_ws('|', id, " +
            string.Join(", ", Spatial.Select(c => $"coalesce(ST_SRID({c}) || ':' || upper(encode(ST_AsBinary({c}, 'NDR'), 'hex')), '-')")) +
            $", coalesce(array_to_string(s, ','), '-'), coalesce(host(i4), '-'), coalesce(host(i6), '-')) FROM {TestPostgres.Quote(schema)}.shapes ORDER BY id");

    private static async Task WaitForSameAsync(EngineHarness h, string task, Func<Task<List<string>>> mysql, Func<Task<List<string>>> postgres,
        Direction direction = Direction.Forward)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            List<string> left = await mysql(), right;
            try
            {
                right = await postgres();
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                right = [];
            }
            if (left.SequenceEqual(right)) return;
            if (DateTime.UtcNow > deadline || h.Service.Status(task, direction).Status == TaskStatus.Failed)
            {
                Assert.Fail($"{direction}: {h.Service.Status(task, direction).Message}\n{Log(h, task, direction)}\n" +
                            string.Join("\n", left.Zip(right.Concat(Enumerable.Repeat("(none)", left.Count))).Select(p => $"{p.First}\n{p.Second}\n")));
            }
            await Task.Delay(300);
        }
    }

    private static MigrationTask NewTask(EngineHarness h, string source, string target, string db, string schema, Topology topology = Topology.OneWay) =>
        h.AddTask(new MigrationTask
        {
            Name = "gis-" + Guid.NewGuid().ToString("N")[..8], Source = source, Target = target, AutoRestart = false,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema }, ChunkRows = 2,
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, Topology = topology,
        });

    private static long Id(VerificationDifference d) => long.Parse(JsonSerializer.Deserialize<Dictionary<string, string>>(d.Key!)!["id"]);

    [Fact]
    public async Task SpatialSetAndInetColumnsArriveExactlyInPostGisThroughCopyAndBinlogAndVerify()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("gis", postGis: true);
        await using var h = EngineHarness.Create();
        var target = pg.Register(h);
        // hosts: rows matched by an address key (its bytes on both sides) in verification.
        var db = await h.CreateDatabaseAsync(h.Source, "gis", Table + ";\n" + Rows + """
            CREATE TABLE hosts (ip INET6 PRIMARY KEY, name VARCHAR(10));
            INSERT INTO hosts VALUES ('::1', 'local'), ('::ffff:10.0.0.1', 'mapped'), ('2001:db8::1', 'doc'), ('fe80::1:2', 'link');
            """);
        var schema = db + "_pg";
        var task = NewTask(h, h.SourceName, target, db, schema);
        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        Assert.DoesNotContain(checks, r => r.Message.Contains("postgis", StringComparison.OrdinalIgnoreCase));

        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal(["integer", "geometry", "geometry(Point)", "geometry(LineString)", "geometry(Polygon)", "geometry(MultiPoint)", "geometry(MultiLineString)",
                      "geometry(MultiPolygon)", "geometry(GeometryCollection)", "geometry(Point,4326)", "geometry(MultiPolygon,4326)", "geometry(Geometry,4326)",
                      "text[]", "inet", "inet"],
            await pg.ColumnAsync($"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{TestPostgres.Quote(schema)}.shapes'::regclass AND attnum > 0 ORDER BY attnum"));
        await WaitForSameAsync(h, task.Name, () => MySqlRowsAsync(h.Source, db), () => PostgresRowsAsync(pg, schema));
        var shapes = $"{TestPostgres.Quote(schema)}.shapes";
        Assert.Equal(["1|POINT(1 2)|SRID=4326;POINT(1 2)|GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0)))|{a,\"c d\"}|10.0.0.1/32|::ffff:10.0.0.1/128",
                      "2|SRID=4326;POINT(-179.99999999999997 0.1)|SRID=4326;POINT(1 2)|SRID=4326;GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0)))|{a,b,\"c d\"}|255.255.255.255/32|2001:db8::8a2e:370:7334/128",
                      "3|-|-|GEOMETRYCOLLECTION EMPTY|{}|0.0.0.0/32|::/128",
                      "4|-|-|-|-|-|-"],
            await pg.ColumnAsync($"SELECT concat_ws('|', id, coalesce(ST_AsEWKT(p), '-'), coalesce(ST_AsEWKT(p4), '-'), coalesce(ST_AsEWKT(gc), '-'), " +
                                 $"coalesce(s::text, '-'), coalesce(host(i4) || '/' || masklen(i4), '-'), coalesce(host(i6) || '/' || masklen(i6), '-')) FROM {shapes} ORDER BY id"));
        Assert.Equal("SRID=4326;GEOMETRYCOLLECTION EMPTY", await pg.ScalarAsync($"SELECT ST_AsEWKT(g) FROM {shapes} WHERE id = 3"));

        // Changes after the copy: a new row, changed coordinates, SRIDs and members, values set to NULL, a deleted row.
        await TestServers.ExecuteAsync(h.Source, Row(5, 4326, "b", "192.168.1.254", "::1") + $"""
            UPDATE shapes SET p = {Geo("POINT(1 2.5)", 0)}, ma4 = {Geo("MULTIPOLYGON(((0 0,2 0,2 2,0 0)))", 4326)}, s = 'a,b,c d', i6 = '::2' WHERE id = 1;
            UPDATE shapes SET l = NULL, gc = {Geo("GEOMETRYCOLLECTION EMPTY", 3857)}, g = {Geo("POINT(7 7)", 3857)}, s = NULL WHERE id = 2;
            UPDATE shapes SET s = 'c d', gc = {Geo("GEOMETRYCOLLECTION(POINT(0 0))", 0)} WHERE id = 4;
            DELETE FROM shapes WHERE id = 3;
            """, db);
        await WaitForSameAsync(h, task.Name, () => MySqlRowsAsync(h.Source, db), () => PostgresRowsAsync(pg, schema));
        Assert.Equal(["1|POINT(1 2.5)|{a,b,\"c d\"}", "2|SRID=3857;GEOMETRYCOLLECTION EMPTY|-", "4|GEOMETRYCOLLECTION(POINT(0 0))|{\"c d\"}",
                      "5|SRID=4326;GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0)))|{b}"],
            await pg.ColumnAsync($"SELECT concat_ws('|', id, coalesce(ST_AsEWKT(CASE WHEN id = 1 THEN p ELSE gc END), '-'), coalesce(s::text, '-')) FROM {shapes} ORDER BY id"));

        // Verification compares each geometry by its SRID and WKB, a SET by its members: equal now; a changed coordinate
        // and a changed member are found, and repaired.
        var clean = await VerifyAsync(h, task);
        AssertNoDifferences(clean);
        Assert.True(clean.Table($"{db}.hosts").SourceRows == 4);
        var hosts = $"{TestPostgres.Quote(schema)}.hosts";
        await pg.ExecuteAsync($"UPDATE {shapes} SET l = ST_SetPoint(l, 1, ST_MakePoint(1.5, 2.2500000000000004)) WHERE id = 1; UPDATE {shapes} SET s = '{{a}}' WHERE id = 5; " +
                              $"UPDATE {hosts} SET name = 'changed' WHERE ip = '2001:db8::1'; DELETE FROM {hosts} WHERE ip = '::ffff:10.0.0.1'");
        var found = await VerifyAsync(h, task);
        Assert.Equal([(1L, DifferenceKind.Different), (5L, DifferenceKind.Different)], found.Of(SourceName(db)).Select(d => (Id(d), d.Kind)).Order().ToList());
        Assert.Equal([("""{"ip":"2001:db8::1"}""", DifferenceKind.Different), ("""{"ip":"::ffff:10.0.0.1"}""", DifferenceKind.MissingOnTarget)],
            found.Of($"{db}.hosts").Select(d => (Key: d.Key!, d.Kind)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList());
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
        Assert.Equal(await MySqlRowsAsync(h.Source, db), await PostgresRowsAsync(pg, schema));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    /// <summary>Per column of <see cref="Table"/>, a change on PostgreSQL one step away from the copied value: each a real difference.</summary>
    private static readonly (string Column, string Value)[] Planted =
    [
        ("g", "ST_SetSRID(g, 3857)"), // the same coordinates in another SRID
        ("p", "ST_Translate(p, 0, 1e-9)"), ("l", "ST_Translate(l, 0.5, 0)"), ("a", "ST_Reverse(a)"), ("mp", "ST_Translate(mp, -1, 0)"),
        ("ml", "ST_Translate(ml, 0, 2)"), ("ma", "ST_Translate(ma, 1, 1)"), ("gc", "ST_Translate(gc, 0, 0.25)"), ("p4", "ST_Translate(p4, 1, 0)"),
        ("ma4", "ST_Translate(ma4, 0, 1)"), ("g4", "ST_Translate(g4, 0.5, 0.5)"),
        ("s", "'{a,\"c d\"}'"), ("i4", "'255.255.255.254'"), ("i6", "'2001:db8::8a2e:370:7335'"),
    ];

    [Fact]
    public async Task VerificationFindsAChangedValueOfEveryTypeInItsOwnRowAndNoneInAnotherSpellingOfTheSameValue()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("gisverify", postGis: true);
        await using var h = EngineHarness.Create();
        var target = pg.Register(h);
        Assert.Equal([.. Spatial, "s", "i4", "i6"], Planted.Select(p => p.Column)); // every column has its planted difference
        // Row 100 + n holds the same values as row 2, for the column at n to be changed in.
        var rows = Row(2, 4326, "a,b,c d", "255.255.255.255", "2001:db8::8a2e:370:7334") +
                   string.Concat(Planted.Select((_, n) => Row(101 + n, 4326, "a,b,c d", "255.255.255.255", "2001:db8::8a2e:370:7334")));
        var db = await h.CreateDatabaseAsync(h.Source, "gisverify", Table + ";\n" + rows);
        var schema = db + "_pg";
        var task = h.AddTask(NewTask(h, h.SourceName, target, db, schema) with
        {
            Name = "gisverify-" + Guid.NewGuid().ToString("N")[..8], MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
        });
        await FullMigrationTests.RunInProcessAsync(h, task);
        AssertNoDifferences(await VerifyAsync(h, task));

        var shapes = $"{TestPostgres.Quote(schema)}.shapes";
        await pg.ExecuteAsync(string.Concat(Planted.Select((p, n) => $"UPDATE {shapes} SET {p.Column} = {p.Value} WHERE id = {101 + n};\n")) +
            // The same values in other words: an address with its full netmask and zeros written out, a geometry rebuilt from its text.
            $"UPDATE {shapes} SET i4 = '255.255.255.255/32', i6 = '2001:0db8:0000::8a2e:0370:7334/128', l = ST_GeomFromText(ST_AsText(l), ST_SRID(l)) WHERE id = 2;");
        var found = await VerifyAsync(h, task);
        var differences = found.Of(SourceName(db)).ToDictionary(Id);
        Assert.Equal(Enumerable.Range(101, Planted.Length).Select(i => (long)i), differences.Keys.Order());
        for (var n = 0; n < Planted.Length; n++)
        {
            var column = Planted[n].Column;
            var d = differences[101 + n];
            Assert.Equal(DifferenceKind.Different, d.Kind);
            var (source, changed) = (JsonSerializer.Deserialize<Dictionary<string, string?>>(d.SourceRow!)!, JsonSerializer.Deserialize<Dictionary<string, string?>>(d.TargetRow!)!);
            Assert.True(source[column] != changed[column], $"{column}: {source[column]} / {changed[column]}");
        }
    }

    [Fact]
    public async Task WithoutPostGisGeometriesArriveAsEwkbInByteaWithAWarning()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("nogis", postGis: false);
        await using var h = EngineHarness.Create();
        var target = pg.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "nogis", Table + ";\n" + Rows);
        var schema = db + "_pg";
        var task = NewTask(h, h.SourceName, target, db, schema);
        var checks = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        Assert.DoesNotContain(checks, r => r.Status == CheckStatus.Fail);
        var warnings = checks.Where(r => r.Status == CheckStatus.Warn && r.Message.Contains("CREATE EXTENSION postgis")).Select(r => r.Message).ToList();
        Assert.Equal(Spatial.Length, warnings.Count);
        Assert.Contains(warnings, m => m.Contains("column `p4`") && m.Contains("bytea") && m.Contains(pg.Name));

        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal(["integer", .. Spatial.Select(_ => "bytea"), "text[]", "inet", "inet"],
            await pg.ColumnAsync($"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{TestPostgres.Quote(schema)}.shapes'::regclass AND attnum > 0 ORDER BY attnum"));
        await TestServers.ExecuteAsync(h.Source, Row(5, 4326, "b", "192.168.1.254", "::1") + $"UPDATE shapes SET p = {Geo("POINT(1 2.5)", 3857)} WHERE id = 1;", db);

        // EWKB: the WKB with the SRID flag in its type word and the SRID after it, or plain WKB for SRID 0.
        static string Point(double x, double y) => "01" + "01000000" + Convert.ToHexString(BitConverter.GetBytes(x)) + Convert.ToHexString(BitConverter.GetBytes(y));
        static string WithSrid(string wkb, string sridLittleEndian) => wkb[..2] + wkb[2..8] + "20" + sridLittleEndian + wkb[10..];
        var shapes = $"{TestPostgres.Quote(schema)}.shapes";
        await EngineHarness.WaitUntilAsync(async () => (string?)await pg.ScalarAsync($"SELECT upper(encode(p, 'hex')) FROM {shapes} WHERE id = 1") == WithSrid(Point(1, 2.5), "110F0000")
                                                       && (long)(await pg.ScalarAsync($"SELECT count(*) FROM {shapes} WHERE id = 5"))! == 1,
            TimeSpan.FromSeconds(60), "the new row and the update of row 1");
        Assert.Equal([WithSrid(Point(-179.99999999999997, 0.1), "E6100000"), "-", "-", WithSrid(Point(1, 2), "E6100000")],
            await pg.ColumnAsync($"SELECT coalesce(upper(encode(p, 'hex')), '-') FROM {shapes} WHERE id > 1 ORDER BY id"));
        Assert.Equal(["1|" + WithSrid(Point(1, 2), "E6100000"), "2|" + WithSrid(Point(1, 2), "E6100000")],
            await pg.ColumnAsync($"SELECT id || '|' || upper(encode(p4, 'hex')) FROM {shapes} WHERE id <= 2 ORDER BY id"));
        // SRID 0: the WKB MariaDB stores, as it is.
        Assert.Equal((string)(await TestServers.ScalarAsync(h.Source, "SELECT HEX(ST_AsWKB(gc)) FROM shapes WHERE id = 3", db))!,
            await pg.ScalarAsync($"SELECT upper(encode(gc, 'hex')) FROM {shapes} WHERE id = 3"));
        Assert.Equal("010700000000000000", await pg.ScalarAsync($"SELECT upper(encode(gc, 'hex')) FROM {shapes} WHERE id = 3"));

        // Verification reads the bytea's EWKB as MariaDB's SRID and WKB: equal; one changed coordinate byte is found.
        AssertNoDifferences(await VerifyAsync(h, task));
        await pg.ExecuteAsync($"UPDATE {shapes} SET ma = set_byte(ma, 30, get_byte(ma, 30) # 1) WHERE id = 2");
        var found = await VerifyAsync(h, task);
        Assert.Equal((2L, DifferenceKind.Different), Assert.Single(found.Differences.Select(d => (Id(d), d.Kind))));
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
    }

    [Fact]
    public async Task AGeometryOfAnotherSridThanItsColumnDeclaresStopsTheCopyNamingIt()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("gissrid", postGis: true);
        await using var h = EngineHarness.Create();
        var target = pg.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "gissrid", $"""
            CREATE TABLE t (id INT PRIMARY KEY, p4 POINT REF_SYSTEM_ID=4326);
            INSERT INTO t VALUES (1, {Geo("POINT(1 2)", 4326)}), (2, {Geo("POINT(1 2)", 4326)}), (3, {Geo("POINT(3 4)", 0)});
            """);
        var schema = db + "_pg";
        var task = h.AddTask(NewTask(h, h.SourceName, target, db, schema) with { Name = "gissrid-" + Guid.NewGuid().ToString("N")[..8], MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full });
        var error = await Assert.ThrowsAsync<OmsException>(() => FullMigrationTests.RunInProcessAsync(h, task));
        Assert.Equal("ValueNotRepresentable", error.ErrorId);
        Assert.Contains("column `p4`, row with key (`id` = 3)", error.Message);
        Assert.Contains("SRID is 0", error.Message);
        // ChunkRows = 2: the chunk holding row 3 is not written, and no marker claims it.
        var loaded = await pg.ColumnAsync($"SELECT id::text FROM {TestPostgres.Quote(schema)}.t ORDER BY id");
        Assert.DoesNotContain("3", loaded);
        Assert.Equal(loaded.Count, Convert.ToInt32(await pg.ScalarAsync($"SELECT coalesce(sum(rows_loaded), 0)::int FROM oms.full_chunks WHERE task = '{task.OmsKey}'")));
    }

    [Fact]
    public async Task AGeometryOfAnotherSridThanItsColumnDeclaresStopsTheChangesNamingItsRowsKey()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("gissridin", postGis: true);
        await using var h = EngineHarness.Create();
        var target = pg.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "gissridin", $"""
            CREATE TABLE t (id INT, k VARCHAR(10), p4 POINT REF_SYSTEM_ID=4326, PRIMARY KEY (id, k));
            INSERT INTO t VALUES (1, 'a', {Geo("POINT(1 2)", 4326)});
            """);
        var schema = db + "_pg";
        var task = NewTask(h, h.SourceName, target, db, schema);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        await TestServers.ExecuteAsync(h.Source, $"INSERT INTO t VALUES (2, 'b', {Geo("POINT(1 2)", 4326)}), (3, 'c', {Geo("POINT(3 4)", 0)})", db);
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == TaskStatus.Failed, TimeSpan.FromSeconds(60), "the task to stop");
        var message = h.Service.Status(task.Name, Direction.Forward).Message;
        Assert.Contains("column p4, row with key (id = 3, k = c): the value '0x", message);
        Assert.Contains("SRID is 0", message);
        // The transaction holding the value is not written.
        Assert.Equal(["1"], await pg.ColumnAsync($"SELECT id::text FROM {TestPostgres.Quote(schema)}.t ORDER BY id"));
    }

    [Fact]
    public async Task ChangesMadeOnPostgreSqlComeBackIntoTheMySqlColumnsByteForByte()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("gisback", postGis: true);
        await using var h = EngineHarness.Create();
        var target = pg.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "gisback", Table + ";\n" + Rows);
        var schema = db + "_pg";
        var task = NewTask(h, h.SourceName, target, db, schema, Topology.Bidirectional);
        Assert.DoesNotContain(await h.Service.TestTaskAsync(task.Name, CancellationToken.None), r => r.Status == CheckStatus.Fail);
        await StartBothAsync(h, task.Name);
        await WaitForSameAsync(h, task.Name, () => MySqlRowsAsync(h.Source, db), () => PostgresRowsAsync(pg, schema));

        var shapes = $"{TestPostgres.Quote(schema)}.shapes";
        await pg.ExecuteAsync($$"""
            UPDATE {{shapes}} SET p = ST_GeomFromText('POINT(7 8)', 3857), gc = 'GEOMETRYCOLLECTION EMPTY', p4 = ST_SetSRID(ST_MakePoint(9, 10), 4326),
              ma = ST_GeomFromText('MULTIPOLYGON(((0 0,3 0,3 3,0 0)),((5 5,6 5,6 6,5 5)))', 4326), s = '{b,"c d"}', i4 = '10.9.8.7', i6 = '::ffff:10.1.2.3' WHERE id = 1;
            UPDATE {{shapes}} SET g = NULL, s = '{}' WHERE id = 2;
            INSERT INTO {{shapes}} (id, l, g4, s) VALUES (6, ST_GeomFromText('LINESTRING(0.1 0.2,0.30000000000000004 -1e-300)'), ST_GeomFromText('POINT(0 0)', 4326), '{a}');
            DELETE FROM {{shapes}} WHERE id = 4;
            """);
        await WaitForSameAsync(h, task.Name, () => MySqlRowsAsync(h.Source, db), () => PostgresRowsAsync(pg, schema), Direction.Reverse);
        // MariaDB holds exactly the SRID and WKB written on PostgreSQL, and reads the SET and addresses back as written there.
        static string Hex(double value) => Convert.ToHexString(BitConverter.GetBytes(value));
        Assert.Equal(["110F0000" + "0101000000" + Hex(7) + Hex(8), "00000000" + "010700000000000000", "E6100000" + "0101000000" + Hex(9) + Hex(10), "b,c d", "10.9.8.7", "::ffff:10.1.2.3"],
            (await MySqlRowAsync(h.Source, db, "SELECT HEX(p), HEX(gc), HEX(p4), s, i4, i6 FROM shapes WHERE id = 1")));
        Assert.Equal(["00000000" + "0102000000" + "02000000" + Hex(0.1) + Hex(0.2) + Hex(0.30000000000000004) + Hex(-1e-300), "a"],
            await MySqlRowAsync(h.Source, db, "SELECT HEX(l), s FROM shapes WHERE id = 6"));
        Assert.Equal("", await TestServers.ScalarAsync(h.Source, "SELECT s FROM shapes WHERE id = 2", db));
        Assert.Empty(h.Service.Conflicts.List(task.Name));

        // A member the SET lacks has no MySQL value: the reverse direction stops, naming it, and writes nothing of it.
        await pg.ExecuteAsync($"UPDATE {shapes} SET s = '{{a,zz}}', i4 = '1.1.1.1' WHERE id = 1");
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Reverse).Status == TaskStatus.Failed, TimeSpan.FromSeconds(60), "the reverse direction to stop");
        var message = h.Service.Status(task.Name, Direction.Reverse).Message ?? "";
        Assert.Contains("column s, row with key (id = 1): the value '{a,zz}' cannot be stored in MySQL's set('a','b','c d'): 'zz' is not a member of the SET", message);
        Assert.Equal(["b,c d", "10.9.8.7"], await MySqlRowAsync(h.Source, db, "SELECT s, i4 FROM shapes WHERE id = 1"));
    }

    [Fact]
    public async Task APostGisSourceTableArrivesInMariaDbWithEachValuesSridAndVerifies()
    {
        await using var pg = await ScratchPostgresDatabase.CreateAsync("gissrc", postGis: true);
        await using var h = EngineHarness.Create();
        var source = pg.Register(h);
        var schema = TestServers.UniqueName("gissrc");
        await pg.ExecuteAsync($"""
            CREATE SCHEMA {TestPostgres.Quote(schema)};
            SET search_path TO {TestPostgres.Quote(schema)}, public;
            CREATE TABLE places (id int PRIMARY KEY, p geometry(Point,4326), g geometry, ml geometry(MultiLineString), c geometry(GeometryCollection));
            INSERT INTO places VALUES
              (1, 'SRID=4326;POINT(1 2)', 'SRID=3857;POLYGON((0 0,1 0,1 1,0 0))', 'MULTILINESTRING((0 0,1 1),(2 2,3 3))', 'GEOMETRYCOLLECTION EMPTY'),
              (2, NULL, 'POINT(-0.1 1e-300)', NULL, 'SRID=4326;GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'),
              (3, NULL, NULL, NULL, NULL);
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = NewTask(h, source, h.TargetName, schema, db);
        Assert.DoesNotContain(await h.Service.TestTaskAsync(task.Name, CancellationToken.None), r => r.Status == CheckStatus.Fail);
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalToPostgresTests.WaitForIncrementalAsync(h, task.Name);
        Assert.Equal("point|geometry|multilinestring|geometrycollection", await TestServers.ScalarAsync(h.Target,
            $"SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY ORDINAL_POSITION SEPARATOR '|') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND COLUMN_NAME <> 'id'"));

        string[] columns = ["p", "g", "ml", "c"];
        async Task<List<string>> MySqlSide()
        {
            await using var connection = await TestServers.OpenMySqlAsync(h.Target, db);
            await using var command = new MySqlConnector.MySqlCommand($"SELECT CONCAT_WS('|', id, " +
                string.Join(", ", columns.Select(c => $"IFNULL(CONCAT(ST_SRID({c}), ':', HEX(ST_AsWKB({c}))), '-')")) + ") FROM places ORDER BY id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            return rows;
        }
        Task<List<string>> PostgresSide() => pg.ColumnAsync($"SELECT concat_ws('|', id, " +
            string.Join(", ", columns.Select(c => $"coalesce(ST_SRID({c}) || ':' || upper(encode(ST_AsBinary({c}, 'NDR'), 'hex')), '-')")) +
            $") FROM {TestPostgres.Quote(schema)}.places ORDER BY id");
        await WaitForSameAsync(h, task.Name, MySqlSide, PostgresSide);
        Assert.Equal("3857", Convert.ToString(await TestServers.ScalarAsync(h.Target, "SELECT ST_SRID(g) FROM places WHERE id = 1", db)));

        var places = $"{TestPostgres.Quote(schema)}.places";
        await pg.ExecuteAsync($"""
            INSERT INTO {places} VALUES (4, 'SRID=4326;POINT(5 6)', 'SRID=4326;MULTIPOINT(1 1,2 2)', NULL, 'GEOMETRYCOLLECTION EMPTY');
            UPDATE {places} SET g = ST_SetSRID(g, 0), ml = 'MULTILINESTRING((0 0,1 1.5))' WHERE id = 1;
            UPDATE {places} SET g = 'SRID=3857;POINT(1 1)' WHERE id = 3;
            DELETE FROM {places} WHERE id = 2;
            """);
        await WaitForSameAsync(h, task.Name, MySqlSide, PostgresSide);

        AssertNoDifferences(await VerifyAsync(h, task));
        await TestServers.ExecuteAsync(h.Target, "UPDATE places SET ml = ST_GeomFromText('MULTILINESTRING((0 0,1 1.5000000000000002))') WHERE id = 1", db);
        var found = await VerifyAsync(h, task);
        Assert.Equal((1L, DifferenceKind.Different), Assert.Single(found.Differences.Select(d => (Id(d), d.Kind))));
        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
        Assert.Equal(await PostgresSide(), await MySqlSide());
    }

    private static async Task<List<string>> MySqlRowAsync(ServerAddress server, string db, string sql)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlConnector.MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetString(i)).ToList();
    }
}
