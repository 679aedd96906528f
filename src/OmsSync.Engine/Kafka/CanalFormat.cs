using System.Buffers;
using System.Text.Json;
using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// Canal's flat message (canal.mq.flatMessage=true), one per row change: {"id", "database", "table", "pkNames",
/// "isDdl", "type", "es", "ts", "sql", "sqlType", "mysqlType", "data", "old", "gtid"}, every value a string. An update's
/// "old" holds the columns it changed with their old values. A snapshot row is an INSERT, as Canal has no read type.
/// The key is the row's key values joined, so a row's messages share a partition.
/// </summary>
internal sealed class CanalFormat : IMessageFormat
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private long _id;

    public CanalFormat() => _writer = new Utf8JsonWriter(_buffer, KafkaValues.WriterOptions);

    public void Row(TopicTable table, RowChangeKind kind, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, MessageSource source, List<KafkaMessage> output)
    {
        var image = after ?? before!;
        if (kind == RowChangeKind.Update && table.KeyMoves(before!, after!))
        {
            // As a delete and an insert, each on its own key's partition.
            output.Add(new(table.Topic, Key(table, before!), Message(table, "DELETE", before!, null, source)));
            output.Add(new(table.Topic, Key(table, after!), Message(table, "INSERT", after!, null, source)));
            return;
        }
        var type = kind switch { RowChangeKind.Insert => "INSERT", RowChangeKind.Update => "UPDATE", _ => "DELETE" };
        output.Add(new(table.Topic, Key(table, image), Message(table, type, image, kind == RowChangeKind.Update ? before : null, source)));
    }

    // Canal sends a TRUNCATE as a DDL of type TRUNCATE.
    public KafkaMessage Truncate(TopicTable table, MessageSource source) => Ddl(table.Topic, table.Mapping.TargetDatabase, table.Mapping.TargetTable,
        $"TRUNCATE TABLE `{table.Mapping.TargetDatabase}`.`{table.Mapping.TargetTable}`", source);

    public KafkaMessage Ddl(string topic, string database, string? table, string statement, MessageSource source)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("id", ++_id);
        w.WriteString("database", database);
        w.WriteString("table", table ?? "");
        w.WriteNull("pkNames");
        w.WriteBoolean("isDdl", true);
        w.WriteString("type", DdlType(statement));
        w.WriteNumber("es", source.CommitTime.ToUnixTimeMilliseconds());
        w.WriteNumber("ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        w.WriteString("sql", statement);
        w.WriteNull("sqlType");
        w.WriteNull("mysqlType");
        w.WriteNull("data");
        w.WriteNull("old");
        w.WriteString("gtid", source.TransactionId ?? "");
        w.WriteEndObject();
        w.Flush();
        return new KafkaMessage(topic, System.Text.Encoding.UTF8.GetBytes(database), _buffer.WrittenSpan.ToArray());
    }

    private static string DdlType(string statement)
    {
        var words = statement.TrimStart().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 ? $"{words[0]}".ToUpperInvariant() switch
        {
            "CREATE" when words[1].Equals("TABLE", StringComparison.OrdinalIgnoreCase) => "CREATE",
            "ALTER" => "ALTER",
            "DROP" => "ERASE",
            "RENAME" => "RENAME",
            "TRUNCATE" => "TRUNCATE",
            "CREATE" => "CINDEX",
            _ => "QUERY",
        } : "QUERY";
    }

    private static byte[]? Key(TopicTable table, IReadOnlyList<object?> image) => table.Key.Count == 0
        ? null
        : System.Text.Encoding.UTF8.GetBytes(string.Join("\u0001", table.Key.Select(i => KafkaValues.Text(table.Value(image, i)) ?? "")));

    private byte[] Message(TopicTable table, string type, IReadOnlyList<object?> image, IReadOnlyList<object?>? old, MessageSource source)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("id", ++_id);
        w.WriteString("database", table.Mapping.TargetDatabase);
        w.WriteString("table", table.Mapping.TargetTable);
        w.WriteStartArray("pkNames");
        foreach (var i in table.Key) w.WriteStringValue(table.Columns[i].Column.Name);
        w.WriteEndArray();
        w.WriteBoolean("isDdl", false);
        w.WriteString("type", type);
        w.WriteNumber("es", source.CommitTime.ToUnixTimeMilliseconds());
        w.WriteNumber("ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        w.WriteString("sql", "");
        w.WriteStartObject("sqlType");
        for (var i = 0; i < table.Columns.Count; i++) w.WriteNumber(table.Names[i], KafkaValues.JdbcType(table.Columns[i].Column.DataType));
        w.WriteEndObject();
        w.WriteStartObject("mysqlType");
        for (var i = 0; i < table.Columns.Count; i++) w.WriteString(table.Names[i], table.Columns[i].Column.ColumnType);
        w.WriteEndObject();
        w.WriteStartArray("data");
        w.WriteStartObject();
        for (var i = 0; i < table.Columns.Count; i++) w.WriteString(table.Names[i], KafkaValues.Text(table.Value(image, i)));
        w.WriteEndObject();
        w.WriteEndArray();
        if (old is null)
        {
            w.WriteNull("old");
        }
        else
        {
            w.WriteStartArray("old");
            w.WriteStartObject();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var was = KafkaValues.Text(table.Value(old, i));
                if (was != KafkaValues.Text(table.Value(image, i))) w.WriteString(table.Names[i], was);
            }
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteString("gtid", source.TransactionId ?? "");
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenSpan.ToArray();
    }
}
