using System.Text.Json;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Verification.VerificationHarness;

namespace OmsSync.Integration.Tests.Verification;

/// <summary>Full verification and repair between two real MariaDB servers, run in-process.</summary>
public sealed class FullVerificationTests
{
    /// <summary>Two distinct values per column of all_types: a changed row gets whichever its value is not.</summary>
    private static readonly (string Column, string A, string B)[] Changes =
    [
        ("ti", "5", "6"), ("tu", "5", "6"), ("si", "5", "6"), ("mi", "5", "6"), ("i", "5", "6"), ("bi", "5", "6"), ("bu", "5", "6"),
        ("de", "1.5", "2.5"), ("dn", "5", "6"), ("fl", "2.5", "3.5"), ("db", "2.5", "3.5"),
        ("dt", "'2001-01-01 00:00:00.5'", "'2002-01-01 00:00:00.5'"), ("dt0", "'2001-01-01 00:00:00'", "'2002-01-01 00:00:00'"),
        ("ts", "'2001-01-01 00:00:01.5'", "'2002-01-01 00:00:01.5'"), ("d", "'2001-01-01'", "'2002-01-01'"),
        ("t", "'01:02:03'", "'-02:03:04.5'"), ("y", "2001", "2002"), ("b1", "1", "0"), ("b64", "5", "6"),
        ("e", "'a'", "'b'"), ("s", "'x'", "'y'"), ("j", "'{\"a\": 1}'", "'{\"a\": 2}'"), ("bl", "X'01'", "X'0102'"),
        ("tx", "'x'", "'y'"), ("l1", "'abc'", "'ABC'"), ("u4", "'abc'", "'ABC'"), ("vb", "X'01'", "X'02'"), ("ch", "'ab'", "'AB'"),
        ("g", "ST_GeomFromText('POINT(1 1)')", "ST_GeomFromText('POINT(2 2)')"), ("pt", "ST_GeomFromText('POINT(1 1)')", "ST_GeomFromText('POINT(2 2)')"),
    ];

    [Fact]
    public async Task MissingExtraAndDifferentRowsOfEveryTypeAreFoundAndRepaired()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vtypes", FullMigrationTestsData.AllTypesTable);
        await TestServers.ExecuteAsync(h.Source, FullMigrationTestsData.AllTypesRows + string.Concat(Enumerable.Repeat(
            "INSERT INTO all_types (ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt) " +
            "SELECT ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt FROM all_types;", 4)), db);
        var target = db + "_t";
        var task = await MigrateAsync(h, db, target, t => t with { ChunkRows = 10 });
        AssertNoDifferences(await VerifyAsync(h, task));

        var ids = await IdsAsync(h.Source, db, "SELECT id FROM all_types ORDER BY id");
        Assert.Equal(64, ids.Count);
        var nearlyEqual = (await IdsAsync(h.Source, db, "SELECT id FROM all_types WHERE db = 0.30000000000000004 ORDER BY id")).Last();
        var changes = Changes.Select((c, n) => $"UPDATE all_types SET `{c.Column}` = IF(`{c.Column}` <=> {c.A}, {c.B}, {c.A}) WHERE id = {ids[2 + n]};");
        await TestServers.ExecuteAsync(h.Target, $"""
            SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'; SET time_zone = '+00:00';
            DELETE FROM all_types WHERE id = {ids[1]};
            INSERT INTO all_types (ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt)
              SELECT ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt FROM all_types WHERE id = {ids[0]};
            {string.Join("\n", changes)}
            -- within the compared precision: DOUBLE to 15 significant digits, FLOAT to 6
            UPDATE all_types SET db = 0.3, fl = 0.1234568 WHERE id = {nearlyEqual};
            """, target);

        var found = await VerifyAsync(h, task);
        var table = found.Table($"{db}.all_types");
        Assert.Equal(1, table.MissingOnTarget);
        Assert.Equal(1, table.ExtraOnTarget);
        Assert.Equal(Changes.Length, table.Different);
        Assert.Equal(64, table.SourceRows);
        Assert.Equal(64, table.TargetRows); // one deleted, one added
        Assert.True(table.Chunks > 5, $"expected many chunks, got {table.Chunks}");
        Assert.Equal(ids[1], KeyId(found.Differences.Single(d => d.Kind == DifferenceKind.MissingOnTarget)));
        Assert.True(KeyId(found.Differences.Single(d => d.Kind == DifferenceKind.ExtraOnTarget)) > ids[^1]);
        var different = found.Differences.Where(d => d.Kind == DifferenceKind.Different).ToList();
        Assert.Equal(ids.Skip(2).Take(Changes.Length).Order(), different.Select(KeyId).Order());
        foreach (var (d, n) in different.OrderBy(KeyId).Select((d, n) => (d, n)))
        {
            // Each differing row shows both images, and they differ in the changed column.
            var source = JsonSerializer.Deserialize<Dictionary<string, string?>>(d.SourceRow!)!;
            var targetRow = JsonSerializer.Deserialize<Dictionary<string, string?>>(d.TargetRow!)!;
            Assert.NotEqual(source[Changes[n].Column], targetRow[Changes[n].Column]);
        }

        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
        await TestServers.ExecuteAsync(h.Target, $"UPDATE all_types SET db = 0.30000000000000004, fl = 0.1234567 WHERE id = {nearlyEqual}", target);
        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "all_types", "id"), await TableSnapshot.ReadAsync(h.Target, target, "all_types", "id"));
    }

    [Fact]
    public async Task ValuesSwappedBetweenTwoRowsOfAChunkAreFound()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vswap", """
            CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b CHAR(3) NOT NULL);
            INSERT INTO t SELECT seq, seq % 7 + 1, CONCAT('b', LPAD(seq % 100, 2, '0')) FROM seq_10_to_1009;
            """);
        var target = db + "_t";
        var task = await MigrateAsync(h, db, target);
        await TestServers.ExecuteAsync(h.Target, """
            UPDATE t SET b = IF(id = 10, 'b11', 'b10') WHERE id IN (10, 11);
            UPDATE t SET a = IF(id = 20, 1, 7) WHERE id IN (20, 21);
            """, target);

        // pt-table-checksum's checksum, the XOR of each row's CRC32, cannot see the swaps: CRC32 is linear.
        const string xorCrc = "SELECT BIT_XOR(CRC32(CONCAT_WS('#', id, a, b))) FROM t";
        Assert.Equal(await TestServers.ScalarAsync(h.Source, xorCrc, db), await TestServers.ScalarAsync(h.Target, xorCrc, target));

        var found = await VerifyAsync(h, task);
        Assert.Equal([10L, 11L, 20L, 21L], found.Differences.Select(KeyId).Order());
        Assert.All(found.Differences, d => Assert.Equal(DifferenceKind.Different, d.Kind));
        Assert.Equal(1, found.Table($"{db}.t").Chunks);
    }

    [Fact]
    public async Task FilteredAndRenamedTablesVerifyAgainstTheRightSourceRows()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vfilt", """
            CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(10) NOT NULL, note VARCHAR(20), total DECIMAL(8,2));
            INSERT INTO orders SELECT seq, IF(seq % 4 = 0, 'cancelled', 'paid'), 'private', seq * 1.5 FROM seq_1_to_400;
            """);
        var target = await h.CreateDatabaseAsync(h.Target, "vfilt_t");
        var task = await MigrateAsync(h, db, target, t => t with
        {
            Include = [$"{db}.orders"],
            Renames = new Dictionary<string, string> { [$"{db}.orders"] = $"{target}.kept_orders" },
            RowFilters = new Dictionary<string, string> { [$"{db}.orders"] = "status <> 'cancelled'" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.orders"] = ["id", "status", "total"] },
        });
        var clean = await VerifyAsync(h, task);
        AssertNoDifferences(clean);
        Assert.Equal(300, clean.Table($"{db}.orders").SourceRows);
        Assert.Equal($"{target}.kept_orders", clean.Table($"{db}.orders").TargetTable);

        // A column the task leaves out changes on the source: nothing to report. A cancelled order on the target is
        // extra, a kept one gone is missing, a changed total is different.
        await TestServers.ExecuteAsync(h.Source, "UPDATE orders SET note = 'changed' WHERE id < 50", db);
        await TestServers.ExecuteAsync(h.Target, """
            INSERT INTO kept_orders VALUES (4, 'cancelled', 6.00);
            DELETE FROM kept_orders WHERE id = 5;
            UPDATE kept_orders SET total = 0 WHERE id = 6;
            """, target);
        var found = await VerifyAsync(h, task);
        Assert.Equal([(4L, DifferenceKind.ExtraOnTarget), (5L, DifferenceKind.MissingOnTarget), (6L, DifferenceKind.Different)],
            found.Differences.Select(d => (KeyId(d), d.Kind)).Order());
        Assert.All(found.Differences, d => Assert.Equal($"{target}.kept_orders", d.TargetTable));
        Assert.DoesNotContain("note", found.Differences.Single(d => d.Kind == DifferenceKind.Different).SourceRow);

        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
        Assert.Null(await TestServers.ScalarAsync(h.Target, "SELECT id FROM kept_orders WHERE id = 4", target));
    }

    [Fact]
    public async Task TablesWithoutAKeyAreComparedAsMultisets()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vbag", """
            CREATE TABLE bag (v INT, w VARCHAR(10) CHARACTER SET latin1);
            INSERT INTO bag SELECT seq % 10, IF(seq % 3 = 0, NULL, 'dup') FROM seq_1_to_3000;
            """);
        var target = db + "_t";
        var task = await MigrateAsync(h, db, target);
        AssertNoDifferences(await VerifyAsync(h, task));

        // One copy of (1, 'dup') too few, one (99, 'x') too many, and 'DUP' is not 'dup'.
        await TestServers.ExecuteAsync(h.Target, """
            DELETE FROM bag WHERE v = 1 AND w = 'dup' LIMIT 1;
            INSERT INTO bag VALUES (99, 'x');
            UPDATE bag SET w = 'DUP' WHERE v = 2 AND w = 'dup' LIMIT 1;
            """, target);
        var found = await VerifyAsync(h, task);
        var table = found.Table($"{db}.bag");
        Assert.Equal(2, table.MissingOnTarget);
        Assert.Equal(2, table.ExtraOnTarget);
        Assert.Contains(found.Differences, d => d.Kind == DifferenceKind.ExtraOnTarget && d.TargetRow!.Contains("\"99\""));
        Assert.All(found.Differences, d => Assert.Null(d.Key));

        await RepairAsync(h, task, found.Differences);
        AssertNoDifferences(await VerifyAsync(h, task));
        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "bag", "v, w"), await TableSnapshot.ReadAsync(h.Target, target, "bag", "v, w"));
    }

    [Fact]
    public async Task AMissingTargetTableFailsThatTableOnly()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "vmiss", "CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE b (id INT PRIMARY KEY); INSERT INTO a VALUES (1);");
        var target = db + "_t";
        var task = await MigrateAsync(h, db, target);
        await TestServers.ExecuteAsync(h.Target, "DROP TABLE b", target);
        var found = await VerifyAsync(h, task);
        Assert.Equal("Completed", found.Table($"{db}.a").Status);
        var b = found.Table($"{db}.b");
        Assert.Equal("Failed", b.Status);
        Assert.Contains("does not exist", b.Message);
    }

    internal static long KeyId(VerificationDifference d) =>
        long.Parse(JsonSerializer.Deserialize<Dictionary<string, string>>(d.Key!)!["id"]);
}
