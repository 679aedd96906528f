using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// The Kafka Connect schemas of Debezium's messages, as its JSON converter writes them with schemas.enable=true: a
/// struct of the key columns, and the envelope (before, after, source, op, ts_ms, transaction) with each column typed as
/// <see cref="KafkaValues"/> writes it (int16/int32/int64 by the integer's range, float32/float64, DECIMAL a string,
/// io.debezium.time.Date/MicroTime/MicroTimestamp/ZonedTimestamp/Year, io.debezium.data.Bits, Enum, EnumSet, Json,
/// io.debezium.data.geometry.Geometry, bytes). Each table's are written once and reused.
/// </summary>
internal sealed class ConnectSchemas
{
    private readonly ConditionalWeakTable<TopicTable, Schemas> _tables = new();

    private sealed record Schemas(byte[] Key, byte[] Value);

    public byte[] KeyOf(TopicTable table) => Of(table).Key;

    public byte[] ValueOf(TopicTable table) => Of(table).Value;

    /// <summary>The schema of a schema-change event in the schema topic.</summary>
    public static readonly byte[] SchemaChange = Write(w => Struct(w, null, "io.debezium.connector.mysql.SchemaChangeValue", optional: false, f =>
    {
        Source(f);
        Field(f, "databaseName", "string", optional: false);
        Field(f, "schemaName", "string", optional: true);
        Field(f, "ddl", "string", optional: true);
        f.WriteStartObject();
        f.WriteString("type", "array");
        f.WritePropertyName("items");
        Struct(f, null, "io.debezium.connector.mysql.TableChange", optional: false, item => Field(item, "id", "string", optional: false));
        f.WriteBoolean("optional", false);
        f.WriteString("field", "tableChanges");
        f.WriteEndObject();
        Field(f, "ts_ms", "int64", optional: true);
    }));

    /// <summary>The schema of a schema-change event's key.</summary>
    public static readonly byte[] SchemaChangeKey = Write(w => Struct(w, null, "io.debezium.connector.mysql.SchemaChangeKey", optional: false,
        f => Field(f, "databaseName", "string", optional: false)));

    private Schemas Of(TopicTable table) => _tables.GetValue(table, t => new Schemas(
        Write(w => Columns(w, t, t.Key, $"{t.Topic}.Key", field: null, optional: false)),
        Write(w => Struct(w, null, $"{t.Topic}.Envelope", optional: false, f =>
        {
            var all = Enumerable.Range(0, t.Columns.Count).ToList();
            Columns(f, t, all, $"{t.Topic}.Value", "before", optional: true);
            Columns(f, t, all, $"{t.Topic}.Value", "after", optional: true);
            Source(f);
            Field(f, "op", "string", optional: false);
            Field(f, "ts_ms", "int64", optional: true);
            Struct(f, "transaction", "event.block", optional: true, tx => Field(tx, "id", "string", optional: false));
        }))));

    /// <summary>A struct schema: its fields as <paramref name="fields"/> writes them; <paramref name="field"/> names it inside another.</summary>
    private static void Struct(Utf8JsonWriter w, string? field, string name, bool optional, Action<Utf8JsonWriter> fields)
    {
        w.WriteStartObject();
        w.WriteString("type", "struct");
        w.WriteStartArray("fields");
        fields(w);
        w.WriteEndArray();
        w.WriteBoolean("optional", optional);
        w.WriteString("name", name);
        if (field is not null) w.WriteString("field", field);
        w.WriteEndObject();
    }

    private static void Columns(Utf8JsonWriter w, TopicTable table, IReadOnlyList<int> columns, string name, string? field, bool optional) =>
        Struct(w, field, name, optional, f =>
        {
            foreach (var i in columns) Column(f, table.Columns[i].Column, table.Names[i]);
        });

    private static void Source(Utf8JsonWriter w) => Struct(w, "source", "io.omssync.Source", optional: false, f =>
    {
        Field(f, "version", "string", optional: false);
        Field(f, "connector", "string", optional: false);
        Field(f, "name", "string", optional: false);
        Field(f, "ts_ms", "int64", optional: false);
        Field(f, "snapshot", "string", optional: true);
        Field(f, "db", "string", optional: false);
        Field(f, "table", "string", optional: true);
        Field(f, "position", "string", optional: true);
        Field(f, "gtid", "string", optional: true);
    });

    private static void Field(Utf8JsonWriter w, string name, string type, bool optional, string? logical = null)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteBoolean("optional", optional);
        if (logical is not null)
        {
            w.WriteString("name", logical);
            w.WriteNumber("version", 1);
        }
        w.WriteString("field", name);
        w.WriteEndObject();
    }

    private static void Column(Utf8JsonWriter w, ColumnSchema column, string name)
    {
        // Every column may be null in a message: zero dates are written as null even where the column is NOT NULL.
        if (OmsSync.Engine.MySql.Copy.MySqlColumnTransfer.IsSpatial(column.DataType))
        {
            Struct(w, name, "io.debezium.data.geometry.Geometry", optional: true, f =>
            {
                Field(f, "wkb", "bytes", optional: false);
                Field(f, "srid", "int32", optional: true);
            });
            return;
        }
        var (type, logical) = TypeOf(column);
        Field(w, name, type, optional: true, logical);
    }

    /// <summary>The Connect type (and logical name) a column's values are written as.</summary>
    public static (string Type, string? Logical) TypeOf(ColumnSchema column) => column.DataType switch
    {
        "tinyint" => ("int16", null),
        "smallint" => (column.Unsigned ? "int32" : "int16", null),
        "mediumint" => ("int32", null),
        "int" or "integer" => (column.Unsigned ? "int64" : "int32", null),
        "bigint" => ("int64", null),
        "float" => ("float32", null),
        "double" or "real" => ("float64", null),
        "decimal" or "numeric" => ("string", null),
        "date" => ("int32", "io.debezium.time.Date"),
        "time" => ("int64", "io.debezium.time.MicroTime"),
        "datetime" => ("int64", "io.debezium.time.MicroTimestamp"),
        "timestamp" => ("string", "io.debezium.time.ZonedTimestamp"),
        "year" => ("int32", "io.debezium.time.Year"),
        "bit" => ColumnText.Precision(column) == 1 ? ("boolean", null) : ("bytes", "io.debezium.data.Bits"),
        "enum" => ("string", "io.debezium.data.Enum"),
        "set" => ("string", "io.debezium.data.EnumSet"),
        "json" => ("string", "io.debezium.data.Json"),
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ("bytes", null),
        _ => ("string", null),
    };

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, KafkaValues.WriterOptions)) write(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
