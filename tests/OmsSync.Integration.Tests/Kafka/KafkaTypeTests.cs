using System.Text.Json;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Kafka;

/// <summary>
/// Every MySQL column type in both message formats, on librdkafka's test server (<see cref="MockKafka"/>): the snapshot
/// and the change stream write a row's values alike, and each type as its format defines it.
/// </summary>
public sealed class KafkaTypeTests
{
    private const string Columns = "ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt";

    /// <summary>Runs a task on the all-types table: its four rows in the snapshot, then the same rows inserted again as changes.</summary>
    private static async Task<(List<JsonElement> Snapshot, List<JsonElement> Changes)> RunAsync(MessageFormat format, Func<KafkaRecord, JsonElement> row, Func<KafkaRecord, bool> isChange)
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var target = kafka.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "kfktypes", FullMigrationTestsData.AllTypesTable + ";\n" + FullMigrationTestsData.AllTypesRows);
        var task = KafkaSinkTests.NewTask(h, target, db, "kfktypes", new KafkaSink { Format = format });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestServers.ExecuteAsync(h.Source, $"SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'; SET time_zone = '+00:00'; INSERT INTO all_types ({Columns}) SELECT {Columns} FROM all_types ORDER BY id", db);
        var records = await KafkaSinkTests.WaitForMessagesAsync(h, kafka, task.Name, $"{task.Name}.{db}.all_types", 8);
        int Id(JsonElement r) => int.Parse(r.GetProperty("id").ToString());
        var snapshot = records.Where(r => !isChange(r)).Select(row).OrderBy(Id).ToList();
        var changes = records.Where(isChange).Select(row).OrderBy(Id).ToList();
        Assert.Equal(4, snapshot.Count);
        Assert.Equal(4, changes.Count);
        // The snapshot read the rows as text, the stream decoded them from the binlog: every value alike but the id.
        AssertAlike(snapshot, changes, Columns);
        return (snapshot, changes);
    }

    /// <summary>Each snapshot row and the change that inserted the same values again write every column alike.</summary>
    internal static void AssertAlike(IReadOnlyList<JsonElement> snapshot, IReadOnlyList<JsonElement> changes, string columns)
    {
        Assert.Equal(snapshot.Count, changes.Count);
        for (var i = 0; i < snapshot.Count; i++)
            foreach (var column in columns.Split(", "))
                Assert.True(snapshot[i].GetProperty(column).GetRawText() == changes[i].GetProperty(column).GetRawText(),
                    $"row {i + 1} {column}: snapshot {snapshot[i].GetProperty(column).GetRawText()}, change {changes[i].GetProperty(column).GetRawText()}");
    }

    private static long Micros(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / 10;

    [Fact]
    public async Task EveryTypeInTheDebeziumFormat()
    {
        var (rows, _) = await RunAsync(MessageFormat.Debezium, r => r.After!.Value, r => r.Op == "c");
        var (first, zero, third, nulls) = (rows[0], rows[1], rows[2], rows[3]);
        Assert.Equal(-128, first.GetProperty("ti").GetInt32());
        Assert.Equal(18446744073709551615UL, first.GetProperty("bu").GetUInt64());
        Assert.Equal(-9223372036854775808L, first.GetProperty("bi").GetInt64());
        Assert.Equal("99999999999999999999999999999999999.999999999999999999999999999999", first.GetProperty("de").GetString());
        Assert.Equal(0.1234567f, first.GetProperty("fl").GetSingle());
        Assert.Equal(0.30000000000000004, first.GetProperty("db").GetDouble());
        Assert.Equal(Micros(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990)), first.GetProperty("dt").GetInt64());
        Assert.Equal(Micros(new DateTime(1000, 1, 1, 0, 0, 0, DateTimeKind.Utc)), first.GetProperty("dt0").GetInt64());
        Assert.Equal("2038-01-19T03:14:07.999999Z", first.GetProperty("ts").GetString());
        Assert.Equal(new DateOnly(1000, 1, 1).DayNumber - new DateOnly(1970, 1, 1).DayNumber, first.GetProperty("d").GetInt32());
        Assert.Equal(-((838L * 3600 + 59 * 60 + 59) * 1_000_000 + 999_999), first.GetProperty("t").GetInt64());
        Assert.Equal(1901, first.GetProperty("y").GetInt32());
        Assert.True(first.GetProperty("b1").GetBoolean());
        Assert.Equal(Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 8).ToArray()), first.GetProperty("b64").GetString());
        Assert.Equal("c d", first.GetProperty("e").GetString());
        Assert.Equal("x,z", first.GetProperty("s").GetString());
        Assert.Contains("\"k\"", first.GetProperty("j").GetString());
        Assert.Equal(Convert.ToBase64String([0x00, 0xFF, 0x5C, 0x09, 0x0A, 0x0D]), first.GetProperty("bl").GetString());
        Assert.Equal("tab\there\nnewline \\ back", first.GetProperty("tx").GetString());
        Assert.Equal("café ÿ", first.GetProperty("l1").GetString());
        Assert.Equal("😀 emoji 𝄞 ♥", first.GetProperty("u4").GetString());
        Assert.Equal("AAEC", first.GetProperty("vb").GetString());
        Assert.Equal("ab", first.GetProperty("ch").GetString());
        Assert.Equal(4326, first.GetProperty("g").GetProperty("srid").GetInt32());
        Assert.Equal(1, Convert.FromBase64String(first.GetProperty("pt").GetProperty("wkb").GetString()!)[0]); // little-endian WKB
        // Zero dates are null; the smallest TIMESTAMP keeps its microsecond.
        Assert.Equal(JsonValueKind.Null, zero.GetProperty("dt").ValueKind);
        Assert.Equal(JsonValueKind.Null, zero.GetProperty("d").ValueKind);
        Assert.Equal("1970-01-01T00:00:01.000001Z", zero.GetProperty("ts").GetString());
        Assert.False(zero.GetProperty("b1").GetBoolean());
        Assert.Equal("", zero.GetProperty("bl").GetString());
        Assert.Equal(JsonValueKind.Null, third.GetProperty("dt0").ValueKind);
        Assert.Equal(Convert.ToBase64String([5, 0, 0, 0, 0, 0, 0, 0]), third.GetProperty("b64").GetString()); // Debezium's Bits: little-endian
        Assert.Equal(JsonValueKind.Null, nulls.GetProperty("de").ValueKind);
        Assert.Equal("line1\r\nline2\0nul", nulls.GetProperty("tx").GetString());
    }

    [Fact]
    public async Task EveryTypeWithItsConnectSchema()
    {
        static JsonElement Payload(KafkaRecord r) => r.Value!.Value.GetProperty("payload");
        var schemas = new List<JsonElement>();
        var (rows, _) = await RunAsync(MessageFormat.DebeziumWithSchema, r =>
        {
            schemas.Add(r.Value!.Value.GetProperty("schema"));
            return Payload(r).GetProperty("after");
        }, r => Payload(r).GetProperty("op").GetString() == "c");
        var envelope = schemas[0];
        Assert.Equal("struct", envelope.GetProperty("type").GetString());
        Assert.EndsWith(".all_types.Envelope", envelope.GetProperty("name").GetString());
        var after = envelope.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == "after");
        var fields = after.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!);
        string Type(string column) => fields[column].GetProperty("type").GetString()!;
        string? Logical(string column) => fields[column].TryGetProperty("name", out var name) ? name.GetString() : null;
        Assert.Equal("int16", Type("ti"));
        Assert.Equal("int64", Type("bu"));
        Assert.Equal("string", Type("de"));
        Assert.Equal("float32", Type("fl"));
        Assert.Equal(("int32", "io.debezium.time.Date"), (Type("d"), Logical("d")));
        Assert.Equal(("int64", "io.debezium.time.MicroTimestamp"), (Type("dt"), Logical("dt")));
        Assert.Equal(("string", "io.debezium.time.ZonedTimestamp"), (Type("ts"), Logical("ts")));
        Assert.Equal(("boolean", null), (Type("b1"), Logical("b1")));
        Assert.Equal(("bytes", "io.debezium.data.Bits"), (Type("b64"), Logical("b64")));
        Assert.Equal(("struct", "io.debezium.data.geometry.Geometry"), (Type("g"), Logical("g")));
        Assert.Equal("bytes", Type("bl"));
        // The payload is the schemaless value, but BIGINT UNSIGNED wraps into the int64 (Debezium's bigint.unsigned.handling.mode=long).
        Assert.Equal(-1L, rows[0].GetProperty("bu").GetInt64());
        Assert.Equal("2038-01-19T03:14:07.999999Z", rows[0].GetProperty("ts").GetString());
    }

    [Fact]
    public async Task EveryTypeInTheCanalFormat()
    {
        static JsonElement Data(KafkaRecord r) => r.Value!.Value.GetProperty("data")[0];
        var (rows, _) = await RunAsync(MessageFormat.Canal, Data, r => int.Parse(Data(r).GetProperty("id").GetString()!) > 4);
        var (first, zero) = (rows[0], rows[1]);
        Assert.Equal("-128", first.GetProperty("ti").GetString());
        Assert.Equal("18446744073709551615", first.GetProperty("bu").GetString());
        Assert.Equal("99999999999999999999999999999999999.999999999999999999999999999999", first.GetProperty("de").GetString());
        Assert.Equal("9999-12-31 23:59:59.999999", first.GetProperty("dt").GetString());
        Assert.Equal("2038-01-19 03:14:07.999999", first.GetProperty("ts").GetString());
        Assert.Equal("1000-01-01", first.GetProperty("d").GetString());
        Assert.Equal("-838:59:59.999999", first.GetProperty("t").GetString());
        Assert.Equal("1901", first.GetProperty("y").GetString());
        Assert.Equal("1", first.GetProperty("b1").GetString());
        Assert.Equal("18446744073709551615", first.GetProperty("b64").GetString());
        Assert.Equal("c d", first.GetProperty("e").GetString());
        Assert.Equal(Convert.ToBase64String([0x00, 0xFF, 0x5C, 0x09, 0x0A, 0x0D]), first.GetProperty("bl").GetString());
        Assert.Equal("café ÿ", first.GetProperty("l1").GetString());
        Assert.Equal("0000-00-00 00:00:00.000000", zero.GetProperty("dt").GetString());
        Assert.Equal("0000-00-00", zero.GetProperty("d").GetString());
        Assert.Equal(JsonValueKind.Null, rows[3].GetProperty("de").ValueKind);
    }
}
