using System.Buffers;
using System.Text.Json;
using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// Debezium's change event as its JSON converter writes it: the key is the row's key columns ({"id": 1}); the value is
/// {"before", "after", "source", "op", "ts_ms", "transaction"}; with <c>schemas</c>, each is {"schema", "payload"}
/// (<see cref="ConnectSchemas"/>), as schemas.enable=true writes them for sinks that need Connect schemas. An update that
/// changes the key is a delete of the old key, its tombstone and a create of the new one; a delete is followed by a
/// tombstone (a null value), so a compacted topic drops the row, as Debezium's tombstones.on.delete does; a TRUNCATE is
/// op "t" without key.
/// </summary>
internal sealed class DebeziumFormat : IMessageFormat
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly ConnectSchemas? _schemas;

    public DebeziumFormat(bool schemas)
    {
        _writer = new Utf8JsonWriter(_buffer, KafkaValues.WriterOptions);
        _schemas = schemas ? new ConnectSchemas() : null;
    }

    public void Row(TopicTable table, RowChangeKind kind, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, MessageSource source, List<KafkaMessage> output)
    {
        switch (kind)
        {
            case RowChangeKind.Insert:
                output.Add(new(table.Topic, Key(table, after!), Value(table, null, after, source.Snapshot ? "r" : "c", source)));
                break;
            case RowChangeKind.Update when table.KeyMoves(before!, after!):
                Delete(table, before!, source, output);
                output.Add(new(table.Topic, Key(table, after!), Value(table, null, after, "c", source)));
                break;
            case RowChangeKind.Update:
                output.Add(new(table.Topic, Key(table, after!), Value(table, before, after, "u", source)));
                break;
            default:
                Delete(table, before!, source, output);
                break;
        }
    }

    public KafkaMessage Truncate(TopicTable table, MessageSource source) => new(table.Topic, null, Value(table, null, null, "t", source));

    private void Delete(TopicTable table, IReadOnlyList<object?> before, MessageSource source, List<KafkaMessage> output)
    {
        var key = Key(table, before);
        output.Add(new(table.Topic, key, Value(table, before, null, "d", source)));
        if (key is not null) output.Add(new(table.Topic, key, null));
    }

    public KafkaMessage Ddl(string topic, string database, string? table, string statement, MessageSource source)
    {
        // Debezium's schema change event: keyed by the database, with the statement and the table it concerns.
        var key = Write(ConnectSchemas.SchemaChangeKey, w =>
        {
            w.WriteStartObject();
            w.WriteString("databaseName", database);
            w.WriteEndObject();
        });
        var value = Write(ConnectSchemas.SchemaChange, w =>
        {
            w.WriteStartObject();
            WriteSource(w, source, database, table);
            w.WriteString("databaseName", database);
            w.WriteString("schemaName", (string?)null);
            w.WriteString("ddl", statement);
            w.WriteStartArray("tableChanges");
            if (table is not null)
            {
                w.WriteStartObject();
                w.WriteString("id", $"\"{database}\".\"{table}\"");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("ts_ms", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            w.WriteEndObject();
        });
        return new KafkaMessage(topic, key, value);
    }

    private byte[]? Key(TopicTable table, IReadOnlyList<object?> image)
    {
        if (table.Key.Count == 0) return null;
        return Write(_schemas?.KeyOf(table), w =>
        {
            w.WriteStartObject();
            foreach (var i in table.Key)
            {
                w.WritePropertyName(table.Names[i]);
                WriteValue(w, table.Value(image, i));
            }
            w.WriteEndObject();
        });
    }

    private byte[] Value(TopicTable table, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, string op, MessageSource source) => Write(_schemas?.ValueOf(table), w =>
    {
        w.WriteStartObject();
        Image(w, "before", table, before);
        Image(w, "after", table, after);
        WriteSource(w, source, table.Mapping.TargetDatabase, table.Mapping.TargetTable);
        w.WriteString("op", op);
        w.WriteNumber("ts_ms", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (source.TransactionId is { } id)
        {
            w.WriteStartObject("transaction");
            w.WriteString("id", id);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("transaction");
        }
        w.WriteEndObject();
    });

    private void Image(Utf8JsonWriter w, string name, TopicTable table, IReadOnlyList<object?>? image)
    {
        if (image is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            w.WritePropertyName(table.Names[i]);
            WriteValue(w, table.Value(image, i));
        }
        w.WriteEndObject();
    }

    // Under a Connect schema BIGINT UNSIGNED is an int64, as Debezium's bigint.unsigned.handling.mode=long has it: above 2^63-1 it wraps.
    private void WriteValue(Utf8JsonWriter w, object? value) =>
        KafkaValues.WriteDebezium(w, _schemas is not null && value is ulong u ? unchecked((long)u) : value);

    private static void WriteSource(Utf8JsonWriter w, MessageSource source, string database, string? table)
    {
        w.WriteStartObject("source");
        w.WriteString("version", "omssync");
        w.WriteString("connector", source.Connector);
        w.WriteString("name", source.Name);
        w.WriteNumber("ts_ms", source.CommitTime.ToUnixTimeMilliseconds());
        w.WriteString("snapshot", source.Snapshot ? "true" : "false");
        w.WriteString("db", database);
        w.WriteString("table", table);
        w.WriteString("position", source.Position);
        w.WriteString("gtid", source.TransactionId);
        w.WriteEndObject();
    }

    /// <summary>The payload <paramref name="write"/> writes, inside {"schema", "payload"} when the messages carry schemas.</summary>
    private byte[] Write(byte[]? schema, Action<Utf8JsonWriter> write)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        if (_schemas is not null)
        {
            _writer.WriteStartObject();
            _writer.WritePropertyName("schema");
            _writer.WriteRawValue(schema!, skipInputValidation: true);
            _writer.WritePropertyName("payload");
        }
        write(_writer);
        if (_schemas is not null) _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }
}
