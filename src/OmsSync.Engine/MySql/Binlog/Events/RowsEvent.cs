using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>
/// WRITE/UPDATE/DELETE_ROWS (v1, v2, MariaDB compressed): the table id, which columns each image
/// holds, and the still-encoded row images (they can only be read with the table's TABLE_MAP).
/// </summary>
internal sealed class RowsEvent : BinlogEvent
{
    /// <summary>STMT_END_F: the last row event of its statement.</summary>
    public const ushort StatementEndFlag = 0x0001;

    public RowsEvent(BinlogEventHeader header, RowsEventKind kind, ulong tableId, ushort flags, int columnCount,
        byte[] columnsPresent, byte[]? columnsPresentAfter, byte[] rows)
        : base(header)
    {
        Kind = kind;
        TableId = tableId;
        Flags = flags;
        ColumnCount = columnCount;
        ColumnsPresent = columnsPresent;
        ColumnsPresentAfter = columnsPresentAfter;
        Rows = rows;
    }

    public RowsEventKind Kind { get; }
    public ulong TableId { get; }
    public ushort Flags { get; }
    public int ColumnCount { get; }
    /// <summary>Bitmap of the columns in the (before) image.</summary>
    public byte[] ColumnsPresent { get; }
    /// <summary>Bitmap of the columns in the after image (updates only).</summary>
    public byte[]? ColumnsPresentAfter { get; }
    /// <summary>The encoded rows: per row a null bitmap and the values (updates: before image then after image).</summary>
    public byte[] Rows { get; }

    public static RowsEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body, int postHeaderLength)
    {
        var (kind, version, compressed) = Classify(header.Type);
        var reader = new PacketReader(body);
        var tableId = postHeaderLength == 6 ? reader.ReadUInt32() : reader.ReadUInt48();
        var flags = reader.ReadUInt16();
        if (version == 2)
        {
            var extra = reader.ReadUInt16();
            if (extra < 2) throw new FormatException($"Rows event extra data length {extra} is below 2.");
            reader.Skip(extra - 2);
        }
        var count = reader.ReadLengthEncodedLength();
        var bitmapLength = (count + 7) / 8;
        var present = reader.ReadBytes(bitmapLength).ToArray();
        var presentAfter = kind == RowsEventKind.Update ? reader.ReadBytes(bitmapLength).ToArray() : null;
        var rows = compressed ? MariaDbCompression.Decompress(reader.ReadRest()) : reader.ReadRest().ToArray();
        return new RowsEvent(header, kind, tableId, flags, count, present, presentAfter, rows);
    }

    private static (RowsEventKind Kind, int Version, bool Compressed) Classify(BinlogEventType type) => type switch
    {
        BinlogEventType.WriteRowsV1 => (RowsEventKind.Insert, 1, false),
        BinlogEventType.UpdateRowsV1 => (RowsEventKind.Update, 1, false),
        BinlogEventType.DeleteRowsV1 => (RowsEventKind.Delete, 1, false),
        BinlogEventType.WriteRowsV2 => (RowsEventKind.Insert, 2, false),
        BinlogEventType.UpdateRowsV2 => (RowsEventKind.Update, 2, false),
        BinlogEventType.DeleteRowsV2 => (RowsEventKind.Delete, 2, false),
        BinlogEventType.MariaDbWriteRowsCompressedV1 => (RowsEventKind.Insert, 1, true),
        BinlogEventType.MariaDbUpdateRowsCompressedV1 => (RowsEventKind.Update, 1, true),
        BinlogEventType.MariaDbDeleteRowsCompressedV1 => (RowsEventKind.Delete, 1, true),
        BinlogEventType.MariaDbWriteRowsCompressed => (RowsEventKind.Insert, 2, true),
        BinlogEventType.MariaDbUpdateRowsCompressed => (RowsEventKind.Update, 2, true),
        BinlogEventType.MariaDbDeleteRowsCompressed => (RowsEventKind.Delete, 2, true),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a rows event."),
    };
}

internal enum RowsEventKind { Insert, Update, Delete }
