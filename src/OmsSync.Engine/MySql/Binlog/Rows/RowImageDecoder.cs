using OmsSync.Engine.Changes;
using System.Buffers.Binary;
using System.Text;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.MySql.Binlog.Rows;

/// <summary>
/// Decodes the row images of a rows event into CLR values. The convention, one type per kind,
/// chosen so nothing is rounded, shifted or re-encoded on the way:
/// <list type="table">
/// <item><term>NULL</term><description><c>null</c>; a column absent from the image is <see cref="ColumnNotLogged.Value"/></description></item>
/// <item><term>TINYINT..BIGINT</term><description><see cref="long"/> when signed, <see cref="ulong"/> when unsigned (from the binlog's signedness metadata, else the <c>ColumnSchema</c>)</description></item>
/// <item><term>FLOAT / DOUBLE</term><description><see cref="float"/> / <see cref="double"/></description></item>
/// <item><term>DECIMAL</term><description><see cref="MySqlDecimal"/> (exact text)</description></item>
/// <item><term>DATE</term><description><see cref="MySqlDate"/> (zero parts allowed)</description></item>
/// <item><term>TIME</term><description><see cref="MySqlTime"/> (sign, hours up to 838, microseconds)</description></item>
/// <item><term>DATETIME</term><description><see cref="MySqlDateTime"/> (zero parts allowed, microseconds)</description></item>
/// <item><term>TIMESTAMP</term><description><see cref="MySqlTimestamp"/> (UTC epoch seconds + microseconds; 0 = zero)</description></item>
/// <item><term>YEAR</term><description><see cref="int"/> (0 = zero year)</description></item>
/// <item><term>BIT(n)</term><description><see cref="MySqlBit"/></description></item>
/// <item><term>ENUM / SET</term><description><see cref="MySqlEnum"/> / <see cref="MySqlSet"/> (index/bitmask, text when the values are known)</description></item>
/// <item><term>CHAR, VARCHAR, TEXT</term><description><see cref="MySqlText"/> (bytes + charset)</description></item>
/// <item><term>BINARY, VARBINARY, BLOB, or a text column whose charset is unknown</term><description><see cref="byte"/>[] (BINARY(n) padded back to n)</description></item>
/// <item><term>JSON (MySQL)</term><description><see cref="MySqlJson"/> (JSON text); MariaDB's JSON is LONGTEXT, so <see cref="MySqlText"/></description></item>
/// <item><term>GEOMETRY</term><description><see cref="MySqlGeometry"/> (SRID + WKB)</description></item>
/// </list>
/// </summary>
internal static class RowImageDecoder
{
    /// <summary>The rows of one event: (before, after) per row; inserts have no before, deletes no after.</summary>
    public static List<(object?[]? Before, object?[]? After)> Decode(RowsEvent rows, IReadOnlyList<RowColumn> columns)
    {
        if (rows.ColumnCount != columns.Count)
            throw new FormatException($"Rows event for table id {rows.TableId} has {rows.ColumnCount} columns, its TABLE_MAP {columns.Count}.");
        return Decode(rows.Kind, rows.Rows, rows.ColumnsPresent, rows.ColumnsPresentAfter, columns);
    }

    /// <summary>
    /// The rows of encoded row images, as a rows event carries them; the images of consecutive events with the
    /// same kind and column bitmaps may be concatenated (a spilled transaction reads them back this way).
    /// </summary>
    public static List<(object?[]? Before, object?[]? After)> Decode(RowsEventKind kind, ReadOnlySpan<byte> images, byte[] present, byte[]? presentAfter,
        IReadOnlyList<RowColumn> columns)
    {
        var result = new List<(object?[]?, object?[]?)>();
        var reader = new PacketReader(images);
        while (!reader.IsEmpty)
        {
            switch (kind)
            {
                case RowsEventKind.Insert:
                    result.Add((null, ReadImage(ref reader, columns, present)));
                    break;
                case RowsEventKind.Delete:
                    result.Add((ReadImage(ref reader, columns, present), null));
                    break;
                default:
                    var before = ReadImage(ref reader, columns, present);
                    result.Add((before, ReadImage(ref reader, columns, presentAfter!)));
                    break;
            }
        }
        return result;
    }

    private static object?[] ReadImage(ref PacketReader reader, IReadOnlyList<RowColumn> columns, byte[] present)
    {
        var presentCount = 0;
        for (var i = 0; i < columns.Count; i++)
            if (IsSet(present, i)) presentCount++;
        var nulls = reader.ReadBytes((presentCount + 7) / 8);
        var values = new object?[columns.Count];
        var nullIndex = 0;
        for (var i = 0; i < columns.Count; i++)
        {
            if (!IsSet(present, i))
            {
                values[i] = ColumnNotLogged.Value;
                continue;
            }
            values[i] = IsSet(nulls, nullIndex++) ? null : ReadValue(ref reader, columns[i]);
        }
        return values;
    }

    private static bool IsSet(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index / 8] & (1 << (index % 8))) != 0;

    public static object? ReadValue(ref PacketReader reader, RowColumn column)
    {
        var meta = column.Metadata;
        switch (column.Type)
        {
            case ColumnType.Tiny: return Integer(reader.ReadByte(), 8, column.Unsigned);
            case ColumnType.Short: return Integer(reader.ReadUInt16(), 16, column.Unsigned);
            case ColumnType.Int24: return Integer(reader.ReadUInt24(), 24, column.Unsigned);
            case ColumnType.Long: return Integer(reader.ReadUInt32(), 32, column.Unsigned);
            case ColumnType.LongLong: return Integer(reader.ReadUInt64(), 64, column.Unsigned);
            case ColumnType.Float: return BinaryPrimitives.ReadSingleLittleEndian(reader.ReadBytes(4));
            case ColumnType.Double: return BinaryPrimitives.ReadDoubleLittleEndian(reader.ReadBytes(8));
            case ColumnType.NewDecimal: return DecimalDecoder.Read(ref reader, meta >> 8, meta & 0xFF);
            case ColumnType.Date or ColumnType.NewDate: return TemporalDecoder.ReadDate(ref reader);
            case ColumnType.Time: return TemporalDecoder.ReadTime(ref reader);
            case ColumnType.Time2: return TemporalDecoder.ReadTime2(ref reader, meta);
            case ColumnType.DateTime: return TemporalDecoder.ReadDateTime(ref reader);
            case ColumnType.DateTime2: return TemporalDecoder.ReadDateTime2(ref reader, meta);
            case ColumnType.Timestamp: return TemporalDecoder.ReadTimestamp(ref reader);
            case ColumnType.Timestamp2: return TemporalDecoder.ReadTimestamp2(ref reader, meta);
            case ColumnType.Year: return TemporalDecoder.ReadYear(ref reader);
            case ColumnType.Null: return null;
            case ColumnType.Bit:
            {
                var length = (meta >> 8) * 8 + (meta & 0xFF);
                if (length is < 1 or > 64) throw new FormatException($"Invalid BIT length {length}.");
                return new MySqlBit(reader.ReadUIntBE((length + 7) / 8), length);
            }
            case ColumnType.Enum:
            {
                var index = (int)reader.ReadUIntLE(EnumSetSize(meta, 2));
                var values = column.EnumValues;
                return new MySqlEnum(index, values is null ? null : index == 0 ? "" : index <= values.Count ? values[index - 1] : null);
            }
            case ColumnType.Set:
            {
                var bits = reader.ReadUIntLE(EnumSetSize(meta, 8));
                return new MySqlSet(bits, SetText(bits, column.SetValues));
            }
            case ColumnType.VarChar or ColumnType.VarString:
                return Text(reader.ReadBytes(meta < 256 ? reader.ReadByte() : reader.ReadUInt16()), column);
            case ColumnType.String:
                return Text(reader.ReadBytes(StringLength(meta) > 255 ? reader.ReadUInt16() : reader.ReadByte()), column);
            case ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob:
                return Text(ReadBlob(ref reader, meta), column);
            case ColumnType.Json:
                return new MySqlJson(JsonBinaryDecoder.ToJson(ReadBlob(ref reader, meta)));
            case ColumnType.Geometry:
                return new MySqlGeometry(ReadBlob(ref reader, meta).ToArray());
            case ColumnType.Decimal:
                throw new BinlogUnsupportedException($"Column {column.Name ?? column.Index.ToString()} is a pre-5.0 DECIMAL; ALTER the table to rebuild it.");
            default:
                throw new BinlogUnsupportedException($"Column {column.Name ?? column.Index.ToString()} has binlog type {column.Type} ({(byte)column.Type}), which this reader does not decode.");
        }
    }

    private static object Integer(ulong raw, int bits, bool unsigned)
    {
        if (unsigned) return raw;
        var shift = 64 - bits;
        return (long)(raw << shift) >> shift;
    }

    private static int EnumSetSize(ushort meta, int max)
    {
        var size = meta & 0xFF;
        return size >= 1 && size <= max ? size : throw new FormatException($"Invalid ENUM/SET storage size {size}.");
    }

    private static int StringLength(ushort meta)
    {
        int high = meta >> 8, low = meta & 0xFF;
        return (high & 0x30) != 0x30 ? low | ((high & 0x30) ^ 0x30) << 4 : low;
    }

    private static ReadOnlySpan<byte> ReadBlob(ref PacketReader reader, ushort meta)
    {
        if (meta is < 1 or > 4) throw new FormatException($"Invalid BLOB length-prefix size {meta}.");
        var length = reader.ReadUIntLE(meta);
        if (length > int.MaxValue) throw new FormatException($"BLOB length {length} is out of range.");
        return reader.ReadBytes((int)length);
    }

    private static object Text(ReadOnlySpan<byte> bytes, RowColumn column)
    {
        if (column.Charset is { } charset) return new MySqlText(bytes.ToArray(), charset, column.Collation);
        if (column.BinaryPadLength is { } pad && bytes.Length < pad)
        {
            var padded = new byte[pad];
            bytes.CopyTo(padded);
            return padded;
        }
        return bytes.ToArray();
    }

    private static string? SetText(ulong bits, IReadOnlyList<string>? members)
    {
        if (members is null) return null;
        var text = new StringBuilder();
        for (var i = 0; i < 64 && bits >> i != 0; i++)
        {
            if ((bits >> i & 1) == 0) continue;
            if (i >= members.Count) return null;
            if (text.Length > 0) text.Append(',');
            text.Append(members[i]);
        }
        return text.ToString();
    }
}
