using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Schema and full migration from PostgreSQL into MariaDB against the suite's real servers.</summary>
public sealed class PostgresToMySqlTests
{
    public const string NativeTable = NativeSchema + NativeRows;

    public const string NativeSchema = """
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TABLE native (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          s smallint, i integer, n numeric, n2 numeric(12,4), r real, d double precision, b boolean NOT NULL DEFAULT true,
          t text, v varchar(10) DEFAULT 'it''s', c char(3), code text UNIQUE,
          by bytea, dt date, tm time(3), ts timestamp, tz timestamptz(6),
          j json, jb jsonb, u uuid, bits bit(8), vb varbit(16), m mood
        );
        COMMENT ON TABLE native IS 'from postgres';
        CREATE INDEX native_dt ON native (dt DESC, s);

        """;

    public const string NativeRows = """
        INSERT INTO native (s, i, n, n2, r, d, b, t, v, c, code, by, dt, tm, ts, tz, j, jb, u, bits, vb, m) VALUES
          (32767, 2147483647, 12345678901234567890.123456789, 12345678.1234, 0.1, 0.30000000000000004, true,
           E'tab\there "q" \\ é 😀', 'short', 'ab', 'k1', '\x00ff5c', '2024-02-29', '23:59:59.999', '2024-01-01 00:00:00.000001',
           '2024-06-01 12:00:00.5+02', '{"b":1,"a":[1,2]}', '{"b":1,"a":[1,2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', B'10101010', B'101', 'happy'),
          (-32768, -2147483648, -0.000000000000000000000000000001, -99999999.9999, -3.4e38, -1.7976931348623157e308, false,
           '', '', '', 'k2', '\x', '-infinity', '00:00:00', '-infinity', '-infinity', 'null', '[]', '00000000-0000-0000-0000-000000000000', B'00000000', B'', 'sad');
        INSERT INTO native (b, code) VALUES (false, 'k3');
        """;

    internal static readonly string[] ExpectedTypes =
    [
        "bigint(20)", "smallint(6)", "int(11)", "decimal(65,30)", "decimal(12,4)", "float", "double", "tinyint(1)",
        "longtext", "varchar(10)", "char(3)", "varchar(768)", "longblob", "date", "time(3)", "datetime(6)", "datetime(6)",
        "longtext", "longtext", "uuid", "bit(8)", "bit(16)", "enum('sad','ok','happy')",
    ];

    internal static readonly string[] ExpectedRows =
    [
        "1|32767|2147483647|12345678901234567890.123456789000000000000000000000|12345678.1234|0.1|0.30000000000000004|1|" +
        "tab\there \"q\" \\ é 😀|short|ab|k1|00FF5C|2024-02-29|23:59:59.999|2024-01-01 00:00:00.000001|2024-06-01 10:00:00.500000|" +
        "{\"b\":1,\"a\":[1,2]}|{\"a\": [1, 2], \"b\": 1}|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|170|5|happy",
        "2|-32768|-2147483648|-0.000000000000000000000000000001|-99999999.9999|-3.4e38|-1.7976931348623157e308|0|" +
        "|||k2||0000-00-00|00:00:00.000|0000-00-00 00:00:00.000000|0000-00-00 00:00:00.000000|null|[]|00000000-0000-0000-0000-000000000000|0|0|sad",
        "3|NULL|NULL|NULL|NULL|NULL|NULL|0|NULL|it's|NULL|k3|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL",
    ];

    [Fact]
    public async Task EveryPostgreSqlTypeArrivesAsDocumented()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("native", NativeTable);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "frompg-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db }, ChunkRows = 1,
        });
        await FullMigrationTests.RunInProcessAsync(h, task);

        var types = new List<string>();
        await using (var connection = await TestServers.OpenMySqlAsync(h.Target, db))
        await using (var command = new MySqlConnector.MySqlCommand(
            $"SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'native' ORDER BY ORDINAL_POSITION", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        Assert.Equal(ExpectedTypes, types);

        var rows = await NativeRowsAsync(h.Target, db);
        Assert.Equal(ExpectedRows, rows);

        Assert.Equal("from postgres", await TestServers.ScalarAsync(h.Target,
            $"SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'native'"));
        Assert.Equal(3L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target,
            $"SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'native'")));
        await TestServers.ExecuteAsync(h.Target, $"INSERT INTO `{db}`.native (code) VALUES ('k4')");
        Assert.Equal(4L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, $"SELECT id FROM `{db}`.native WHERE code = 'k4'")));
    }

    /// <summary>The rows of the migrated native table, one string each, in the form of <see cref="ExpectedRows"/>.</summary>
    internal static async Task<List<string>> NativeRowsAsync(ServerAddress server, string db)
    {
        var columns = "id s i n n2 r d b t v c code by dt tm ts tz j jb u bits vb m".Split(' ');
        var select = string.Join(", ", columns.Select(c => c switch
        {
            "by" => "HEX(`by`)",
            "bits" or "vb" => $"CAST(`{c}` + 0 AS CHAR)",
            _ => $"CAST(`{c}` AS CHAR CHARACTER SET utf8mb4)",
        }).Select(e => $"COALESCE({e}, 'NULL')"));
        var rows = new List<string>();
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlConnector.MySqlCommand($"SELECT CONCAT_WS('|', {select}) FROM native ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    [Fact]
    public async Task AValueMySqlCannotHoldStopsTheCopyNamingIt()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("nan", """
            CREATE TABLE m (id int PRIMARY KEY, x numeric);
            INSERT INTO m VALUES (1, 1.5), (2, 'NaN');
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "nan-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
        });
        var error = await Assert.ThrowsAsync<OmsException>(() => FullMigrationTests.RunInProcessAsync(h, task));
        Assert.Equal("ValueNotRepresentable", error.ErrorId);
        Assert.Contains("column x, row with key (id = 2)", error.Message);
        Assert.Contains("'NaN'", error.Message);
    }

    [Fact]
    public async Task AValueMySqlCannotHoldStopsTheChangesNamingItsRowsKey()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("nanin", """
            CREATE TABLE m (a int, b text, x numeric, PRIMARY KEY (a, b));
            INSERT INTO m VALUES (1, 'one', 1.5);
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "nanin-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName, AutoRestart = false,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward) is { Phase: TaskPhase.Incremental, Status: Engine.Model.TaskStatus.Running },
            TimeSpan.FromSeconds(60), "the incremental phase");
        await TestPostgres.ExecuteAsync($"INSERT INTO {TestPostgres.Quote(schema)}.m VALUES (2, 'two', 2.5), (7, 'k é', 'NaN')");
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Status == Engine.Model.TaskStatus.Failed,
            TimeSpan.FromSeconds(60), "the task to stop");
        var message = h.Service.Status(task.Name, Direction.Forward).Message;
        Assert.Contains("column x, row with key (a = 7, b = k é): the value 'NaN'", message);
        // The transaction holding the value is not written.
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT COUNT(*) FROM m WHERE a = 2", db)));
    }

    [Fact]
    public async Task ARepairOfAValueMySqlCannotHoldIsRefusedNamingItsRowsKey()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("nanfix", """
            CREATE TABLE m (id int PRIMARY KEY, x numeric);
            INSERT INTO m VALUES (1, 1.5);
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "nanfix-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
        });
        await FullMigrationTests.RunInProcessAsync(h, task);
        await TestPostgres.ExecuteAsync($"INSERT INTO {TestPostgres.Quote(schema)}.m VALUES (2, 'NaN')");
        var found = await Verification.VerificationHarness.VerifyAsync(h, task);
        Assert.Equal(DifferenceKind.MissingOnTarget, Assert.Single(found.Differences).Kind);
        var error = await Assert.ThrowsAsync<OmsException>(() => Verification.VerificationHarness.RepairAsync(h, task, found.Differences));
        Assert.Equal("ValueNotRepresentable", error.ErrorId);
        Assert.Contains("column x, row with key (id = 2): the value 'NaN'", error.Message);
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(h.Target, "SELECT COUNT(*) FROM m WHERE id = 2", db)));
    }
}
