using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Kafka;

/// <summary>One message format: the messages of a row change, and of a schema change.</summary>
internal interface IMessageFormat
{
    /// <summary>Adds the messages of one row change to <paramref name="output"/>; a snapshot row is an insert read by the copy (op "r").</summary>
    void Row(TopicTable table, RowChangeKind kind, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, MessageSource source, List<KafkaMessage> output);

    /// <summary>The message of a DDL statement on a table of the task, for the schema topic.</summary>
    KafkaMessage Ddl(string topic, string database, string? table, string statement, MessageSource source);

    /// <summary>The message of a TRUNCATE of the table, in its topic.</summary>
    KafkaMessage Truncate(TopicTable table, MessageSource source);

    public static IMessageFormat For(Model.MessageFormat format) => format switch
    {
        Model.MessageFormat.Canal => new CanalFormat(),
        Model.MessageFormat.DebeziumWithSchema => new DebeziumFormat(schemas: true),
        _ => new DebeziumFormat(schemas: false),
    };
}
