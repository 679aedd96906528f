using System.Globalization;
using System.Text.Json;
using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// How a column value (as the change decoders and <see cref="ColumnText"/> give it) is written in each message format.
/// Debezium (as its MySQL connector with decimal.handling.mode=string, time.precision.mode=connect off, binary.handling.mode=base64):
/// integers and floating point as JSON numbers, DECIMAL as a string, DATE as days since 1970-01-01, TIME as microseconds,
/// DATETIME as microseconds since 1970-01-01 (the wall time read as UTC), TIMESTAMP as an ISO-8601 UTC string, YEAR as a
/// number, BIT(1) as a boolean and BIT(n) as base64 little-endian bytes, ENUM and SET as strings, text as strings,
/// binary as base64, JSON as its text, spatial as {"wkb": base64, "srid": n}; zero dates are null.
/// Canal flat JSON: every value a string as the server prints it (binary and spatial base64), or null.
/// </summary>
internal static class KafkaValues
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Text as UTF-8, escaped only where JSON requires it, as Kafka Connect's JSON converter writes it.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteDebezium(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or ColumnNotLogged:
                writer.WriteNullValue();
                break;
            case long l: writer.WriteNumberValue(l); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d: writer.WriteNumberValue(d); break;
            case float f: writer.WriteNumberValue(f); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case MySqlDecimal dec: writer.WriteStringValue(dec.Text); break;
            case MySqlDate date:
                if (date.IsValidDate) writer.WriteNumberValue(date.ToDateOnly().DayNumber - DateOnly.FromDateTime(Epoch).DayNumber);
                else writer.WriteNullValue();
                break;
            case MySqlTime time: writer.WriteNumberValue(time.ToTimeSpan().Ticks / 10); break;
            case MySqlDateTime dateTime:
                if (dateTime.Date.IsValidDate) writer.WriteNumberValue((DateTime.SpecifyKind(dateTime.ToDateTime(), DateTimeKind.Utc) - Epoch).Ticks / 10);
                else writer.WriteNullValue();
                break;
            case MySqlTimestamp timestamp:
                if (timestamp.IsZero) writer.WriteNullValue();
                else writer.WriteStringValue(IsoUtc(timestamp));
                break;
            case MySqlBit bit:
                if (bit.Length == 1) writer.WriteBooleanValue(bit.Value != 0);
                else writer.WriteBase64StringValue(LittleEndian(bit.ToBytes()));
                break;
            case MySqlGeometry geometry:
                writer.WriteStartObject();
                writer.WriteBase64String("wkb", geometry.Wkb.Span);
                writer.WriteNumber("srid", geometry.Srid);
                writer.WriteEndObject();
                break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            default: writer.WriteStringValue(Text(value)); break;
        }
    }

    private static byte[] LittleEndian(byte[] bigEndian)
    {
        Array.Reverse(bigEndian);
        return bigEndian;
    }

    /// <summary>The value as Canal writes it: the server's text form; binary and spatial values base64.</summary>
    public static string? Text(object? value) => value switch
    {
        null or ColumnNotLogged => null,
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        MySqlBit bit => bit.Value.ToString(CultureInfo.InvariantCulture),
        MySqlTimestamp timestamp => timestamp.ToString(),
        MySqlGeometry geometry => Convert.ToBase64String(geometry.Bytes.Span),
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => value.ToString(),
    };

    /// <summary>'yyyy-MM-ddTHH:mm:ss[.ffffff]Z' with the column's fractional digits (Debezium's ZonedTimestamp).</summary>
    private static string IsoUtc(MySqlTimestamp timestamp)
    {
        var t = timestamp.ToDateTimeOffset().UtcDateTime;
        return $"{t:yyyy-MM-dd'T'HH:mm:ss}{Fraction.Format(timestamp.Microseconds, timestamp.Precision)}Z";
    }

    /// <summary>Canal's sqlType: the java.sql.Types code of a MySQL column type.</summary>
    public static int JdbcType(string dataType) => dataType switch
    {
        "bit" => -7,
        "tinyint" => -6,
        "smallint" => 5,
        "mediumint" or "int" or "integer" => 4,
        "bigint" => -5,
        "float" => 7,
        "double" or "real" => 8,
        "decimal" or "numeric" => 3,
        "char" => 1,
        "date" or "year" => 91,
        "time" => 92,
        "datetime" or "timestamp" => 93,
        "binary" => -2,
        "varbinary" => -3,
        "tinyblob" or "blob" or "mediumblob" or "longblob" => 2004,
        "text" or "tinytext" or "mediumtext" or "longtext" => 2005,
        _ => 12,
    };
}
