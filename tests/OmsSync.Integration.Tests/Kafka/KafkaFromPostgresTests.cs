using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Kafka;

/// <summary>
/// PostgreSQL into Kafka, on librdkafka's test server (<see cref="MockKafka"/>): values take the MySQL column they map to,
/// alike from the snapshot and from the slot.
/// </summary>
public sealed class KafkaFromPostgresTests
{
    private const string Columns = "i, b, n, r, d, ts, tz, t, by, j, tx, ok";

    [Fact]
    public async Task SnapshotAndChangesFromPostgresAgreeAndAreTyped()
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var target = kafka.Register(h);
        var schema = await h.CreatePostgresSchemaAsync("kfkpg", $$"""
            CREATE TABLE typed (id serial PRIMARY KEY, i int, b bigint, n numeric(20,4), r double precision, d date, ts timestamp(6),
                tz timestamptz, t time(6), by bytea, j jsonb, tx text, ok boolean);
            INSERT INTO typed ({{Columns}}) VALUES
                (-5, 9007199254740993, 12345678901234.5678, 0.1, '2024-02-29', '2024-02-29 12:34:56.000001', '2024-06-01 12:00:00.5+02',
                 '23:59:59.999999', '\x00ff', '{"a": [1, 2]}', 'héllo', true),
                (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """);
        var task = h.AddTask(new MigrationTask
        {
            Name = "kfkpg-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = target, AutoRestart = false,
            Include = [$"{schema}.*"], MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestPostgres.ExecuteAsync($"INSERT INTO {TestPostgres.Quote(schema)}.typed ({Columns}) SELECT {Columns} FROM {TestPostgres.Quote(schema)}.typed ORDER BY id");
        var records = await KafkaSinkTests.WaitForMessagesAsync(h, kafka, task.Name, $"{task.Name}.{schema}.typed", 4);
        var snapshot = records.Where(r => r.Op == "r").Select(r => r.After!.Value).OrderBy(r => r.GetProperty("id").GetInt32()).ToList();
        var changes = records.Where(r => r.Op == "c").Select(r => r.After!.Value).OrderBy(r => r.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(2, snapshot.Count);
        Assert.Equal(2, changes.Count);
        KafkaTypeTests.AssertAlike(snapshot, changes, Columns);
        var row = changes[0];
        Assert.Equal("postgresql", records.First(r => r.Op == "c").Value!.Value.GetProperty("source").GetProperty("connector").GetString());
        Assert.Equal(-5, row.GetProperty("i").GetInt32());
        Assert.Equal(9007199254740993L, row.GetProperty("b").GetInt64());
        Assert.Equal("12345678901234.5678", row.GetProperty("n").GetString());
        Assert.Equal(0.1, row.GetProperty("r").GetDouble());
        Assert.Equal(new DateOnly(2024, 2, 29).DayNumber - new DateOnly(1970, 1, 1).DayNumber, row.GetProperty("d").GetInt32());
        Assert.Equal((new DateTime(2024, 2, 29, 12, 34, 56, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10 + 1, row.GetProperty("ts").GetInt64());
        // timestamptz maps to DATETIME(6) at UTC.
        Assert.Equal((new DateTime(2024, 6, 1, 10, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10 + 500_000, row.GetProperty("tz").GetInt64());
        Assert.Equal((23L * 3600 + 59 * 60 + 59) * 1_000_000 + 999_999, row.GetProperty("t").GetInt64());
        Assert.Equal("AP8=", row.GetProperty("by").GetString());
        Assert.Contains("\"a\"", row.GetProperty("j").GetString());
        Assert.Equal("héllo", row.GetProperty("tx").GetString());
        Assert.Equal(1, row.GetProperty("ok").GetInt32()); // boolean maps to TINYINT(1)
        Assert.All(Columns.Split(", "), c => Assert.Equal(System.Text.Json.JsonValueKind.Null, changes[1].GetProperty(c).ValueKind));
    }
}
