using Xunit;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>Schema and full migration between two real MariaDB servers, run in-process.</summary>
public sealed class FullMigrationTests
{
    private const string AllTypesTable = """
        CREATE TABLE all_types (
          id   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          ti   TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT, bi BIGINT, bu BIGINT UNSIGNED,
          de   DECIMAL(65,30), dn DECIMAL(10,0), fl FLOAT, db DOUBLE,
          dt   DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, d DATE, t TIME(6), y YEAR,
          b1   BIT(1), b64 BIT(64),
          e    ENUM('a','b','c d'), s SET('x','y','z'),
          j    JSON, bl LONGBLOB, tx TEXT, l1 VARCHAR(40) CHARACTER SET latin1, u4 VARCHAR(40) CHARACTER SET utf8mb4,
          vb   VARBINARY(40), ch CHAR(5), g GEOMETRY, pt POINT
        ) DEFAULT CHARSET=utf8mb4
        """;

    private const string AllTypesRows = """
        SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
        SET time_zone = '+00:00';
        INSERT INTO all_types (ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt) VALUES
         (-128, 255, -32768, 16777215, -2147483648, -9223372036854775808, 18446744073709551615,
          99999999999999999999999999999999999.999999999999999999999999999999, -9999999999, 0.1234567, 0.30000000000000004,
          '9999-12-31 23:59:59.999999', '1000-01-01 00:00:00', '2038-01-19 03:14:07.999999', '1000-01-01', '-838:59:59.999999', 1901,
          b'1', b'1111111111111111111111111111111111111111111111111111111111111111',
          'c d', 'x,z', '{"k": [1, 2.5, "x\\"y"], "u": "\\u00e9"}', X'00FF5C090A0D', 'tab\there\nnewline \\ back', 'café ÿ', '😀 emoji 𝄞 ♥',
          X'000102', 'ab', ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 4326), ST_GeomFromText('POINT(1.5 -2.25)')),
         (127, 0, 32767, 0, 2147483647, 9223372036854775807, 0,
          -99999999999999999999999999999999999.999999999999999999999999999999, 0, -3.4028235e38, -1.7976931348623157e308,
          '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '1970-01-01 00:00:01.000001', '0000-00-00', '838:59:59.000000', 2155,
          b'0', b'0', 'a', '', '[]', X'', '', '', '', X'', '', NULL, NULL),
         (0, 1, 0, 1, 0, 0, 1, 0.000000000000000000000000000001, 1, 1e-38, 4.9e-324,
          '2024-02-29 12:34:56.000001', '2024-00-00 00:00:00', NULL, '2024-02-00', '00:00:00.000001', 0,
          NULL, b'101', NULL, 'x,y,z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, 'line1\r\nline2\0nul', 'not latin1', NULL, NULL, NULL, NULL, NULL);
        """;

    [Fact]
    public async Task EveryTypeRoundTripsExactly()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "types", AllTypesTable);
        await TestServers.ExecuteAsync(h.Source, AllTypesRows.Replace("'not latin1'", "'not latin1'"), db);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "types-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
        });

        await RunInProcessAsync(h, task);

        var expected = await TableSnapshot.ReadAsync(h.Source, db, "all_types", "id");
        var actual = await TableSnapshot.ReadAsync(h.Target, target, "all_types", "id");
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ManyChunksInParallelLoseAndDuplicateNothing()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "chunks", """
            CREATE TABLE wide (a INT NOT NULL, b VARCHAR(20) NOT NULL, payload VARCHAR(200), PRIMARY KEY (a, b)) DEFAULT CHARSET=utf8mb4 COLLATE utf8mb4_general_ci;
            INSERT INTO wide SELECT s.seq % 97, CONCAT(IF(s.seq % 2 = 0, 'K', 'k'), s.seq), REPEAT('x', s.seq % 200) FROM seq_1_to_60000 s;
            CREATE TABLE nokey (v INT, w VARCHAR(10));
            INSERT INTO nokey SELECT seq % 10, 'dup' FROM seq_1_to_1000;
            """);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "chunks-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            ReadConcurrency = 3, WriteConcurrency = 3,
        });

        await RunInProcessAsync(h, task);

        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "wide", "a, b"), await TableSnapshot.ReadAsync(h.Target, target, "wide", "a, b"));
        Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, "nokey", "v, w"), await TableSnapshot.ReadAsync(h.Target, target, "nokey", "v, w"));
        var progress = h.Service.Runtime.TableProgress(task.Name).Single(p => p.SourceTable == $"{db}.wide");
        Assert.Equal(60000, progress.RowsCopied);
        Assert.True(progress.ChunksTotal > 3, $"expected several chunks, got {progress.ChunksTotal}");
        Assert.Equal(progress.ChunksTotal, progress.ChunksDone);
    }

    [Fact]
    public async Task RowFilterColumnsAndTableRenameApply()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "filt", """
            CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(10) NOT NULL, secret VARCHAR(20), total DECIMAL(8,2));
            INSERT INTO orders SELECT seq, IF(seq % 3 = 0, 'paid', 'new'), 'hidden', seq * 1.5 FROM seq_1_to_300;
            CREATE TABLE skipped (id INT PRIMARY KEY);
            """);
        var target = await h.CreateDatabaseAsync(h.Target, "filt_t");
        var task = h.AddTask(new MigrationTask
        {
            Name = "filt-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Exclude = [$"{db}.skip*"],
            Renames = new Dictionary<string, string> { [$"{db}.orders"] = $"{target}.paid_orders" },
            RowFilters = new Dictionary<string, string> { [$"{db}.orders"] = "status = 'paid'" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.orders"] = ["id", "status", "total"] },
        });

        await RunInProcessAsync(h, task);

        Assert.Equal(100L, await TableSnapshot.CountAsync(h.Target, target, "paid_orders"));
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{target}' AND COLUMN_NAME = 'secret'")));
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('{target}', '{db}') AND TABLE_NAME = 'skipped'")));
        Assert.Equal(450m, Convert.ToDecimal(await TestServers.ScalarAsync(h.Target, $"SELECT MAX(total) FROM `{target}`.paid_orders")));
    }

    [Fact]
    public async Task NonEmptyTargetStopRefusesAndIgnoreKeepsTargetRowsAndRecordsThem()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "nonempty", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
            INSERT INTO t VALUES (1, 'src1'), (2, 'src2'), (3, 'src3');
            """);
        var target = await h.CreateDatabaseAsync(h.Target, "nonempty_t", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
            INSERT INTO t VALUES (2, 'target2');
            """);
        var stop = h.AddTask(new MigrationTask
        {
            Name = "ne-stop-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.t"], Renames = new Dictionary<string, string> { [db] = target }, MigrationTypes = MigrationTypes.Full,
        });
        var error = await Assert.ThrowsAsync<OmsSync.Engine.Errors.OmsException>(() => RunInProcessAsync(h, stop));
        Assert.Equal("TargetTableNotEmpty", error.ErrorId);
        Assert.Contains($"{target}.t", error.Message);
        Assert.Equal(1L, await TableSnapshot.CountAsync(h.Target, target, "t"));

        var ignore = h.AddTask(stop with { Name = "ne-ign-" + Guid.NewGuid().ToString("N")[..8], NonEmptyTarget = NonEmptyTargetAction.Ignore });
        await RunInProcessAsync(h, ignore);
        Assert.Equal(3L, await TableSnapshot.CountAsync(h.Target, target, "t"));
        Assert.Equal("target2", await TestServers.ScalarAsync(h.Target, $"SELECT v FROM `{target}`.t WHERE id = 2"));
        var conflict = Assert.Single(h.Service.Conflicts.List(ignore.Name));
        Assert.Equal(OmsSync.Engine.Conflicts.ConflictType.InsertExists, conflict.Type);
        Assert.Contains("\"id\":\"2\"", conflict.Key);
        Assert.Contains("src2", conflict.SourceAfter);
        Assert.Contains("target2", conflict.TargetRow);
    }

    internal static async Task RunInProcessAsync(EngineHarness h, MigrationTask task)
    {
        var log = new List<string>();
        var runner = new TaskRunner(h.Service.Store, task, Direction.Forward, log.Add);
        await runner.RunAsync(CancellationToken.None);
    }
}
