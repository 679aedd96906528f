namespace OmsSync.Engine.Model;

/// <summary>
/// How a task writes to a Kafka target: the message format, and the topic of each table. A table's topic is, unless
/// mapped, "&lt;prefix&gt;.&lt;database&gt;.&lt;table&gt;" under the names the rename rules give it (Debezium's scheme).
/// </summary>
public sealed record KafkaSink
{
    public MessageFormat Format { get; init; } = MessageFormat.Debezium;
    /// <summary>Topics chosen per table: source "database.table" to topic name.</summary>
    public IReadOnlyDictionary<string, string> TopicMap { get; init; } = new Dictionary<string, string>();
    /// <summary>The first part of default topic names; null for the task's name.</summary>
    public string? TopicPrefix { get; init; }
    /// <summary>Partitions of the topics the task creates.</summary>
    public int Partitions { get; init; } = 3;
}

/// <summary>The shape of a task's messages in Kafka.</summary>
public enum MessageFormat
{
    /// <summary>Debezium's change event envelope: before, after, source, op, ts_ms; the key is the row's primary key.</summary>
    Debezium,
    /// <summary>The Debezium envelope with Kafka Connect schemas ({"schema", "payload"}), as the JSON converter writes with schemas.enable=true.</summary>
    DebeziumWithSchema,
    /// <summary>Canal's flat JSON message: data, old, type, database, table, pkNames, es, ts.</summary>
    Canal,
}
