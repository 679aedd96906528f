using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Kafka;

/// <summary>DDL into Kafka (-IncrementalDdl) on librdkafka's test server (<see cref="MockKafka"/>): schema-change events, and rows after them in the new shape.</summary>
public sealed class KafkaDdlTests
{
    [Theory]
    [InlineData(MessageFormat.Debezium)]
    [InlineData(MessageFormat.Canal)]
    public async Task ADdlIsAnEventAndTheRowsAfterItCarryTheNewShape(MessageFormat format)
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var target = kafka.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "kfkddl", "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO items VALUES (1, 'one');");
        var task = KafkaSinkTests.NewTask(h, target, db, "kfkddl", new KafkaSink { Format = format }, t => t with { IncrementalDdl = true });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        await TestServers.ExecuteAsync(h.Source, """
            INSERT INTO items VALUES (2, 'two');
            ALTER TABLE items ADD COLUMN note VARCHAR(20) DEFAULT 'n';
            INSERT INTO items VALUES (3, 'three', 'noted');
            """, db);
        var schema = await KafkaSinkTests.WaitForMessagesAsync(h, kafka, task.Name, $"{task.Name}.schema-changes", 1);
        var ddl = Assert.Single(schema).Value!.Value;
        Assert.Contains("ADD COLUMN note", format == MessageFormat.Debezium ? ddl.GetProperty("ddl").GetString() : ddl.GetProperty("sql").GetString());
        if (format == MessageFormat.Canal)
        {
            Assert.True(ddl.GetProperty("isDdl").GetBoolean());
            Assert.Equal("ALTER", ddl.GetProperty("type").GetString());
        }
        var rows = await KafkaSinkTests.WaitForMessagesAsync(h, kafka, task.Name, $"{task.Name}.{db}.items", 3);
        var row = format == MessageFormat.Debezium
            ? rows.Single(r => r.After!.Value.GetProperty("id").GetInt32() == 3).After!.Value
            : rows.Select(r => r.Value!.Value.GetProperty("data")[0]).Single(d => d.GetProperty("id").GetString() == "3");
        Assert.Equal("noted", row.GetProperty("note").GetString());
        var before = format == MessageFormat.Debezium
            ? rows.Single(r => r.After!.Value.GetProperty("id").GetInt32() == 2).After!.Value
            : rows.Select(r => r.Value!.Value.GetProperty("data")[0]).Single(d => d.GetProperty("id").GetString() == "2");
        Assert.False(before.TryGetProperty("note", out _));
    }
}
