using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// The task's compacted checkpoint topic, as Kafka Connect keeps source offsets: each direction's checkpoint under the
/// key "checkpoint.&lt;direction&gt;", each copied chunk under "chunk.&lt;table&gt;.&lt;number&gt;". Records are produced in the
/// same Kafka transaction as the messages they account for, and read back with read_committed, so what they say is
/// exactly what a consumer sees.
/// </summary>
internal sealed class CheckpointTopic(KafkaEndpoint endpoint, KafkaTopics topics)
{
    public string Topic => topics.Checkpoints;

    /// <summary>Where every record goes: one partition, read whole on start (a topic the brokers made may have more).</summary>
    public TopicPartition Partition => new(Topic, 0);

    public static string CheckpointKey(Direction direction) => $"checkpoint.{direction}";
    public static string ChunkKey(string table, int chunk) => $"chunk.{table}.{chunk}";
    public static string ChunkPrefix(string table) => $"chunk.{table}.";

    /// <summary>
    /// Every live record (the last value of each key, tombstones removed), read to the end of what is committed.
    /// Call after fencing the task's producers: an open transaction of a killed worker would hide what follows it.
    /// </summary>
    public Task<Dictionary<string, byte[]>> ReadAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var consumer = endpoint.CommittedReader();
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        var deadline = DateTime.UtcNow + KafkaEndpoint.TransactionTimeout + TimeSpan.FromSeconds(30);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline)
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"the checkpoint topic '{Topic}' was not read to its end"));
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null) continue;
            if (result.IsPartitionEOF) break;
            if (result.Message.Key is not { } key) continue;
            var name = Encoding.UTF8.GetString(key);
            if (result.Message.Value is { } value) records[name] = value;
            else records.Remove(name);
        }
        consumer.Close();
        return records;
    }, cancellationToken);

    public static StoredCheckpoint? Checkpoint(Dictionary<string, byte[]> records, Direction direction) =>
        records.TryGetValue(CheckpointKey(direction), out var value) ? JsonSerializer.Deserialize<StoredCheckpoint>(value) : null;

    public Message<byte[], byte[]?> Record(string key, byte[]? value) => new() { Key = Encoding.UTF8.GetBytes(key), Value = value };

    public Message<byte[], byte[]?> Record(Direction direction, StoredCheckpoint checkpoint) =>
        Record(CheckpointKey(direction), JsonSerializer.SerializeToUtf8Bytes(checkpoint));
}
