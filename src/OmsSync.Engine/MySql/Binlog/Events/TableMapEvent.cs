using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>
/// Binds a table id to a table and describes its columns for the row events that follow:
/// type codes, per-type metadata (lengths, precision, fractional digits...), nullability and,
/// when the server logs it (binlog_row_metadata=MINIMAL/FULL), the optional metadata block.
/// </summary>
internal sealed class TableMapEvent : BinlogEvent
{
    public TableMapEvent(BinlogEventHeader header, ulong tableId, string database, string table, TableMapColumn[] columns, byte[]? signature = null)
        : base(header)
    {
        Signature = signature ?? [];
        TableId = tableId;
        Database = database;
        Table = table;
        Columns = columns;
    }

    public ulong TableId { get; }
    public string Database { get; }
    public string Table { get; }
    public IReadOnlyList<TableMapColumn> Columns { get; }
    /// <summary>The bytes that describe the columns (types through optional metadata): equal signatures decode alike.</summary>
    public byte[] Signature { get; }

    /// <summary>Post-header: table id (6 bytes, or 4 when the post-header is 6 long), flags (2).</summary>
    public static TableMapEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body, int postHeaderLength)
    {
        var reader = new PacketReader(body);
        var tableId = postHeaderLength == 6 ? reader.ReadUInt32() : reader.ReadUInt48();
        reader.Skip(2);
        var database = reader.ReadString(reader.ReadByte());
        reader.Skip(1);
        var table = reader.ReadString(reader.ReadByte());
        reader.Skip(1);
        var describedFrom = reader.Offset;
        var count = reader.ReadLengthEncodedLength();
        if (count > reader.Remaining) throw new FormatException($"TABLE_MAP claims {count} columns in {reader.Remaining} bytes.");
        var types = reader.ReadBytes(count);
        var metadata = new PacketReader(reader.ReadLengthEncodedBytes());
        var columns = new TableMapColumn[count];
        for (var i = 0; i < count; i++)
        {
            var type = (ColumnType)types[i];
            var meta = ReadMetadata(ref metadata, type);
            // CHAR, ENUM and SET all travel as STRING; the real type is in the metadata's first byte
            // (CHAR lengths above 255 borrow two of its bits, which never happens for ENUM and SET).
            if (type == ColumnType.String && (meta >> 8) is (int)ColumnType.Enum or (int)ColumnType.Set)
                type = (ColumnType)(meta >> 8);
            columns[i] = new TableMapColumn(i, type, meta);
        }
        var nullBits = reader.ReadBytes((count + 7) / 8);
        for (var i = 0; i < count; i++) columns[i].Nullable = (nullBits[i / 8] & (1 << (i % 8))) != 0;
        if (!reader.IsEmpty) TableMapOptionalMetadata.Apply(reader.ReadRest(), columns);
        return new TableMapEvent(header, tableId, database, table, columns, body[describedFrom..].ToArray());
    }

    private static ushort ReadMetadata(ref PacketReader metadata, ColumnType type) => type switch
    {
        ColumnType.Float or ColumnType.Double or ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob
            or ColumnType.Geometry or ColumnType.Json or ColumnType.Time2 or ColumnType.DateTime2 or ColumnType.Timestamp2
            or ColumnType.Vector => metadata.ReadByte(),
        ColumnType.VarChar or ColumnType.VarString or ColumnType.Bit => metadata.ReadUInt16(),
        ColumnType.NewDecimal or ColumnType.String or ColumnType.Enum or ColumnType.Set => (ushort)(metadata.ReadByte() << 8 | metadata.ReadByte()),
        ColumnType.Decimal => throw new BinlogUnsupportedException("Pre-5.0 DECIMAL columns cannot be read from a row binlog; ALTER the table to rebuild them."),
        _ => 0,
    };
}
