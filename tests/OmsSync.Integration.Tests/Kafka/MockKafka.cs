using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.Kafka;

/// <summary>
/// librdkafka's test server (its mock cluster): a client built with test.mock.num.brokers=3 starts three brokers on
/// loopback ports, which the worker process reaches while this object lives. No Kafka broker runs on the test machines;
/// transactions and read_committed consumers work on the mock cluster as on a real one.
/// </summary>
public sealed class MockKafka : IDisposable
{
    private readonly IProducer<byte[], byte[]> _host;

    public MockKafka()
    {
        var config = new ProducerConfig();
        config.Set("test.mock.num.brokers", "3");
        _host = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(_host.Handle).Build();
        var brokers = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers;
        Bootstrap = string.Join(",", brokers.Select(b => $"{b.Host}:{b.Port}"));
    }

    /// <summary>The brokers' addresses, host:port,...</summary>
    public string Bootstrap { get; }

    /// <summary>Registers the cluster as a Kafka data source of the harness.</summary>
    public string Register(EngineHarness h, string name = "kafka")
    {
        h.Service.DataSources.Add(new DataSource { Name = name, Kind = DataSourceKind.Kafka, Server = Bootstrap, Port = 9092, User = "" }, "");
        return name;
    }

    /// <summary>Every committed message of the topic, each partition in its order, read with read_committed.</summary>
    public IReadOnlyList<KafkaRecord> ReadCommitted(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = "test-" + Guid.NewGuid().ToString("N"), IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false, EnablePartitionEof = true, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        if (partitions.Count == 0) return [];
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<KafkaRecord>();
        var ended = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ended.Count < partitions.Count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                ended.Add(result.Partition.Value);
                continue;
            }
            records.Add(new KafkaRecord(result.Partition.Value, result.Offset.Value,
                result.Message.Key is null ? null : Encoding.UTF8.GetString(result.Message.Key),
                result.Message.Value is null ? null : JsonDocument.Parse(result.Message.Value).RootElement.Clone()));
        }
        return records;
    }

    public void Dispose() => _host.Dispose();
}

/// <summary>A message as a consumer reads it: where it is, its key's text, and its value (null for a tombstone).</summary>
public sealed record KafkaRecord(int Partition, long Offset, string? Key, JsonElement? Value)
{
    public string? Op => Value?.TryGetProperty("op", out var op) == true ? op.GetString() : null;
    public JsonElement? After => Value?.GetProperty("after") is { ValueKind: JsonValueKind.Object } after ? after : null;
    public JsonElement? Before => Value?.GetProperty("before") is { ValueKind: JsonValueKind.Object } before ? before : null;
}
