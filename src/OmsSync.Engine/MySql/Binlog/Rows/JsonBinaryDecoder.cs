using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Rows;

/// <summary>
/// MySQL's binary JSON (sql/json_binary.h) to JSON text, printed the way MySQL prints it
/// (<c>{"a": 1, "b": [true, null]}</c>). Every offset is bounds-checked: corrupt input is a
/// <see cref="FormatException"/>, never a wrong document.
/// </summary>
internal static class JsonBinaryDecoder
{
    private const byte SmallObject = 0x00, LargeObject = 0x01, SmallArray = 0x02, LargeArray = 0x03, Literal = 0x04;
    private const byte Int16 = 0x05, UInt16 = 0x06, Int32 = 0x07, UInt32 = 0x08, Int64 = 0x09, UInt64 = 0x0A;
    private const byte Double = 0x0B, String = 0x0C, Opaque = 0x0F;
    private const int MaxDepth = 150;

    public static string ToJson(ReadOnlySpan<byte> data)
    {
        // An empty value is what the server logs for a JSON NULL-like empty document.
        if (data.Length == 0) return "null";
        var text = new StringBuilder(data.Length * 2);
        WriteValue(text, data[0], data, 1, 0);
        return text.ToString();
    }

    private static void WriteValue(StringBuilder text, byte type, ReadOnlySpan<byte> data, int offset, int depth)
    {
        if (depth > MaxDepth) throw new FormatException("JSON document nests too deeply.");
        switch (type)
        {
            case SmallObject or LargeObject: WriteContainer(text, data, offset, type == LargeObject, isObject: true, depth); break;
            case SmallArray or LargeArray: WriteContainer(text, data, offset, type == LargeArray, isObject: false, depth); break;
            case Literal: WriteLiteral(text, Slice(data, offset, 1)[0]); break;
            case Int16: text.Append(BinaryPrimitives.ReadInt16LittleEndian(Slice(data, offset, 2))); break;
            case UInt16: text.Append(BinaryPrimitives.ReadUInt16LittleEndian(Slice(data, offset, 2))); break;
            case Int32: text.Append(BinaryPrimitives.ReadInt32LittleEndian(Slice(data, offset, 4))); break;
            case UInt32: text.Append(BinaryPrimitives.ReadUInt32LittleEndian(Slice(data, offset, 4))); break;
            case Int64: text.Append(BinaryPrimitives.ReadInt64LittleEndian(Slice(data, offset, 8))); break;
            case UInt64: text.Append(BinaryPrimitives.ReadUInt64LittleEndian(Slice(data, offset, 8))); break;
            case Double: text.Append(FormatDouble(BinaryPrimitives.ReadDoubleLittleEndian(Slice(data, offset, 8)))); break;
            case String:
            {
                var length = ReadVariableLength(data, ref offset);
                WriteString(text, Encoding.UTF8.GetString(Slice(data, offset, length)));
                break;
            }
            case Opaque: WriteOpaque(text, data, offset); break;
            default: throw new FormatException($"Unknown binary JSON value type 0x{type:X2}.");
        }
    }

    private static void WriteContainer(StringBuilder text, ReadOnlySpan<byte> data, int start, bool large, bool isObject, int depth)
    {
        var size = large ? 4 : 2;
        var container = data[start..];
        var count = ReadOffset(container, 0, large);
        var bytes = ReadOffset(container, size, large);
        if (bytes > container.Length) throw new FormatException($"JSON container claims {bytes} bytes, {container.Length} present.");
        container = container[..bytes];
        var keyEntrySize = size + 2;
        var valueEntrySize = 1 + size;
        var headerSize = 2 * size + (isObject ? count * keyEntrySize : 0) + count * valueEntrySize;
        if (headerSize > bytes) throw new FormatException("JSON container header is larger than the container.");
        text.Append(isObject ? '{' : '[');
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(", ");
            if (isObject)
            {
                var keyEntry = 2 * size + i * keyEntrySize;
                var keyOffset = ReadOffset(container, keyEntry, large);
                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(Slice(container, keyEntry + size, 2));
                WriteString(text, Encoding.UTF8.GetString(Slice(container, keyOffset, keyLength)));
                text.Append(": ");
            }
            var valueEntry = 2 * size + (isObject ? count * keyEntrySize : 0) + i * valueEntrySize;
            var valueType = Slice(container, valueEntry, 1)[0];
            if (IsInlined(valueType, large))
                WriteValue(text, valueType, container, valueEntry + 1, depth + 1);
            else
                WriteValue(text, valueType, container, ReadOffset(container, valueEntry + 1, large), depth + 1);
        }
        text.Append(isObject ? '}' : ']');
    }

    private static bool IsInlined(byte type, bool large) =>
        type is Literal or Int16 or UInt16 || (large && type is Int32 or UInt32);

    private static void WriteLiteral(StringBuilder text, byte literal) => text.Append(literal switch
    {
        0 => "null",
        1 => "true",
        2 => "false",
        _ => throw new FormatException($"Unknown JSON literal {literal}."),
    });

    private static void WriteOpaque(StringBuilder text, ReadOnlySpan<byte> data, int offset)
    {
        var fieldType = (ColumnType)Slice(data, offset, 1)[0];
        offset++;
        var length = ReadVariableLength(data, ref offset);
        var value = Slice(data, offset, length);
        switch (fieldType)
        {
            case ColumnType.NewDecimal when value.Length >= 2:
            {
                var reader = new PacketReader(value[2..]);
                text.Append(DecimalDecoder.Read(ref reader, value[0], value[1]).Text);
                break;
            }
            case ColumnType.Date when value.Length >= 8:
                text.Append('"').Append(TemporalDecoder.FromPackedDateTime(BinaryPrimitives.ReadInt64LittleEndian(value), 0).Date).Append('"');
                break;
            case ColumnType.Time when value.Length >= 8:
                text.Append('"').Append(TemporalDecoder.FromPackedTime(BinaryPrimitives.ReadInt64LittleEndian(value), 6)).Append('"');
                break;
            case (ColumnType.DateTime or ColumnType.Timestamp) when value.Length >= 8:
                text.Append('"').Append(TemporalDecoder.FromPackedDateTime(BinaryPrimitives.ReadInt64LittleEndian(value), 6)).Append('"');
                break;
            default:
                text.Append("\"base64:type").Append((int)fieldType).Append(':').Append(Convert.ToBase64String(value)).Append('"');
                break;
        }
    }

    private static string FormatDouble(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E'))
        {
            text = text.Replace("E+", "e").Replace("E", "e");
        }
        else if (!text.Contains('.') && Math.Abs(value) < 1e15)
        {
            text += ".0";
        }
        return text;
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    private static int ReadOffset(ReadOnlySpan<byte> data, int offset, bool large)
    {
        var value = large ? BinaryPrimitives.ReadUInt32LittleEndian(Slice(data, offset, 4)) : BinaryPrimitives.ReadUInt16LittleEndian(Slice(data, offset, 2));
        if (value > int.MaxValue) throw new FormatException("JSON offset out of range.");
        return (int)value;
    }

    /// <summary>Lengths of strings and opaque values: 7 bits per byte, low bits first, high bit = more.</summary>
    private static int ReadVariableLength(ReadOnlySpan<byte> data, ref int offset)
    {
        long length = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Slice(data, offset++, 1)[0];
            length |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return length <= int.MaxValue ? (int)length : throw new FormatException("JSON length out of range.");
        }
        throw new FormatException("JSON variable-length integer is too long.");
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, int offset, int length)
    {
        if (offset < 0 || length < 0 || offset > data.Length - length)
            throw new FormatException($"Binary JSON is truncated: {length} bytes at offset {offset} of {data.Length}.");
        return data.Slice(offset, length);
    }
}
