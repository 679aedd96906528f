using System.Text.Json;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Kafka;

/// <summary>
/// Tasks from MariaDB into Kafka, on librdkafka's test server (<see cref="MockKafka"/>): the snapshot, then the changes,
/// read back with a read_committed consumer.
/// </summary>
public sealed class KafkaSinkTests
{
    internal static MigrationTask NewTask(EngineHarness h, string kafka, string db, string prefix, KafkaSink? sink = null,
        Func<MigrationTask, MigrationTask>? configure = null) => h.AddTask((configure ?? (t => t))(new MigrationTask
    {
        Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = kafka,
        Include = [$"{db}.*"], MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        Kafka = sink,
    }));

    /// <summary>Waits until the topic holds at least <paramref name="count"/> committed messages that <paramref name="counts"/> (all when null).</summary>
    internal static async Task<IReadOnlyList<KafkaRecord>> WaitForMessagesAsync(EngineHarness h, MockKafka kafka, string task, string topic, int count,
        Func<KafkaRecord, bool>? counts = null, int seconds = 90)
    {
        IReadOnlyList<KafkaRecord> records = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var state = h.Service.Status(task, Direction.Forward);
            try
            {
                records = kafka.ReadCommitted(topic);
            }
            catch (Confluent.Kafka.KafkaException)
            {
                records = []; // the topic is not made yet
            }
            catch (InvalidOperationException)
            {
                records = [];
            }
            if (records.Count(counts ?? (_ => true)) >= count) return records;
            if (DateTime.UtcNow > deadline || state.Status == TaskStatus.Failed)
            {
                var log = File.Exists(h.Service.Home.WorkerLog(task, Direction.Forward)) ? File.ReadAllLines(h.Service.Home.WorkerLog(task, Direction.Forward)) : [];
                Assert.Fail($"{records.Count(counts ?? (_ => true))} of {count} messages in {topic}; task {state.Status}: {state.Message}\nworker log (end):\n{string.Join("\n", log.TakeLast(40))}");
            }
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task SnapshotThenChangesWithARenameAndARowFilter()
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var target = kafka.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "kfk", """
            CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20) NOT NULL, total DECIMAL(10,2), secret VARCHAR(10));
            INSERT INTO orders VALUES (1, 'open', 10.50, 'x'), (2, 'cancelled', 3.00, 'y'), (3, 'open', 7.25, 'z');
            CREATE TABLE notes (n INT PRIMARY KEY, body TEXT);
            INSERT INTO notes VALUES (1, 'hello');
            """);
        var task = NewTask(h, target, db, "kfk", configure: t => t with
        {
            Renames = new Dictionary<string, string> { [$"{db}.orders"] = "shop.sales" },
            RowFilters = new Dictionary<string, string> { [$"{db}.orders"] = "status <> 'cancelled'" },
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.orders"] = ["id", "status", "total"] },
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        var sales = $"{task.Name}.shop.sales";
        var snapshot = await WaitForMessagesAsync(h, kafka, task.Name, sales, 2);
        Assert.All(snapshot, r => Assert.Equal("r", r.Op));
        Assert.Equal(["1", "3"], snapshot.Select(r => r.After!.Value.GetProperty("id").GetRawText()).Order());
        Assert.False(snapshot[0].After!.Value.TryGetProperty("secret", out _));
        Assert.Equal("{\"id\":1}", snapshot.Single(r => r.After!.Value.GetProperty("id").GetInt32() == 1).Key);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);

        await TestServers.ExecuteAsync(h.Source, """
            INSERT INTO orders VALUES (4, 'open', 1.00, 'w'), (5, 'cancelled', 2.00, 'v');
            UPDATE orders SET total = 11.00 WHERE id = 1;
            UPDATE orders SET id = 30 WHERE id = 3;
            DELETE FROM orders WHERE id = 4;
            INSERT INTO notes VALUES (2, 'later');
            """, db);
        // r1 r3, then c4, u1, d3 + tombstone + c30, d4 + tombstone: the cancelled row 5 is filtered out.
        var all = await WaitForMessagesAsync(h, kafka, task.Name, sales, 9);
        var changes = all.Where(r => r.Op is not "r").ToList();
        Assert.Equal(["c", "c", "d", "d", "u"], changes.Where(r => r.Value is not null).Select(r => r.Op).Order());
        var update = changes.Single(r => r.Op == "u");
        Assert.Equal("10.50", update.Before!.Value.GetProperty("total").GetString());
        Assert.Equal("11.00", update.After!.Value.GetProperty("total").GetString());
        var source = update.Value!.Value.GetProperty("source");
        Assert.Equal("mysql", source.GetProperty("connector").GetString());
        Assert.Equal("shop", source.GetProperty("db").GetString());
        Assert.Equal("sales", source.GetProperty("table").GetString());
        Assert.True(source.GetProperty("ts_ms").GetInt64() > 0);
        Assert.DoesNotContain(changes, r => r.After?.GetProperty("id").GetInt32() == 5);
        Assert.Equal(2, changes.Count(r => r.Value is null)); // tombstones after the deletes
        // A row's messages share a partition: row 1's snapshot and update.
        Assert.Single(all.Where(r => r.Key == "{\"id\":1}").Select(r => r.Partition).Distinct());
        var notes = await WaitForMessagesAsync(h, kafka, task.Name, $"{task.Name}.{db}.notes", 2);
        Assert.Equal(["r", "c"], notes.OrderBy(r => r.Op == "c").Select(r => r.Op));

        // Get-OmsTask's figures come as for a database target; an idle source's heartbeats move the checkpoint in Kafka.
        var state = h.Service.Status(task.Name, Direction.Forward);
        Assert.NotNull(state.Position);
        Assert.True(state.RowsApplied >= 5, $"{state.RowsApplied} rows applied"); // the filtered insert is not one of them
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).LagMilliseconds is not null, TimeSpan.FromSeconds(30), "the lag");
        var first = Checkpoint(kafka, task);
        await EngineHarness.WaitUntilAsync(() => Checkpoint(kafka, task) != first, TimeSpan.FromSeconds(60), "a heartbeat to move the checkpoint");
    }

    /// <summary>The forward checkpoint's position as the task's checkpoint topic holds it (committed records only).</summary>
    private static string? Checkpoint(MockKafka kafka, MigrationTask task) =>
        kafka.ReadCommitted($"{task.Name}.omssync-checkpoints").LastOrDefault(r => r.Key == "checkpoint.Forward")?.Value?.GetProperty("Position").GetString();
}
