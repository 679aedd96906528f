using System.Buffers.Binary;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.Tests.MySql.Binlog;

/// <summary>Builds binlog events byte by byte the way a server writes them.</summary>
internal static class EventBytes
{
    public static byte[] Event(BinlogEventType type, byte[] body, bool checksum = true, uint nextPosition = 1000, uint serverId = 1, uint timestamp = 1_700_000_000, ushort flags = 0)
    {
        var size = BinlogEventHeader.Size + body.Length + (checksum ? 4 : 0);
        var data = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(data, timestamp);
        data[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(5), serverId);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(9), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(13), nextPosition);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(17), flags);
        body.CopyTo(data, BinlogEventHeader.Size);
        if (checksum) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(size - 4), Crc32.Compute(data.AsSpan(0, size - 4)));
        return data;
    }

    /// <summary>A FORMAT_DESCRIPTION as MariaDB 10.11 writes it (post-header lengths for types 1..171).</summary>
    public static byte[] FormatDescription(bool crc32 = true, string version = "10.11.6-MariaDB-log")
    {
        var body = new PacketWriter().WriteUInt16(4);
        var versionBytes = new byte[50];
        System.Text.Encoding.ASCII.GetBytes(version).CopyTo(versionBytes, 0);
        body.WriteBytes(versionBytes).WriteUInt32(0).WriteByte(19);
        var lengths = new byte[171];
        lengths[(int)BinlogEventType.Query - 1] = 13;
        lengths[(int)BinlogEventType.Rotate - 1] = 8;
        lengths[(int)BinlogEventType.TableMap - 1] = 8;
        for (var t = (int)BinlogEventType.WriteRowsV1; t <= (int)BinlogEventType.DeleteRowsV1; t++) lengths[t - 1] = 8;
        for (var t = (int)BinlogEventType.WriteRowsV2; t <= (int)BinlogEventType.DeleteRowsV2; t++) lengths[t - 1] = 10;
        lengths[(int)BinlogEventType.MariaDbGtid - 1] = 19;
        body.WriteBytes(lengths).WriteByte(crc32 ? (byte)1 : (byte)0);
        var bytes = body.ToArray();
        // The FORMAT_DESCRIPTION always has room for a checksum after its algorithm byte.
        return crc32 ? Event(BinlogEventType.FormatDescription, bytes, checksum: true) : Event(BinlogEventType.FormatDescription, [.. bytes, 0, 0, 0, 0], checksum: false);
    }

    public static byte[] Query(string database, string statement, uint nextPosition = 1000)
    {
        var db = System.Text.Encoding.UTF8.GetBytes(database);
        var body = new PacketWriter().WriteUInt32(7).WriteUInt32(0).WriteByte((byte)db.Length).WriteUInt16(0).WriteUInt16(0)
            .WriteBytes(db).WriteByte(0).WriteString(statement).ToArray();
        return Event(BinlogEventType.Query, body, nextPosition: nextPosition);
    }

    public static byte[] MariaDbGtid(uint domain, ulong sequence, byte flags, uint serverId = 1, uint nextPosition = 1000) =>
        Event(BinlogEventType.MariaDbGtid, new PacketWriter().WriteUInt64(sequence).WriteUInt32(domain).WriteByte(flags).WriteZeros(6).ToArray(),
            serverId: serverId, nextPosition: nextPosition);

    public static byte[] Xid(ulong xid, uint nextPosition) => Event(BinlogEventType.Xid, new PacketWriter().WriteUInt64(xid).ToArray(), nextPosition: nextPosition);

    /// <summary>A TABLE_MAP with table id, names, types, per-type metadata bytes, all columns nullable, and an optional metadata block.</summary>
    public static byte[] TableMap(ulong tableId, string database, string table, byte[] types, byte[] metadata, byte[]? optional = null, uint nextPosition = 1000)
    {
        var body = new PacketWriter();
        body.WriteUInt32((uint)tableId).WriteUInt16((ushort)(tableId >> 32)).WriteUInt16(1);
        body.WriteByte((byte)database.Length).WriteString(database).WriteByte(0);
        body.WriteByte((byte)table.Length).WriteString(table).WriteByte(0);
        body.WriteLengthEncodedInteger((ulong)types.Length).WriteBytes(types);
        body.WriteLengthEncodedBytes(metadata);
        body.WriteBytes(Enumerable.Repeat((byte)0xFF, (types.Length + 7) / 8).ToArray());
        if (optional is not null) body.WriteBytes(optional);
        return Event(BinlogEventType.TableMap, body.ToArray(), nextPosition: nextPosition);
    }

    /// <summary>A v1 rows event (MariaDB's) for all columns present; <paramref name="rows"/> are already-encoded images (null bitmap + values).</summary>
    public static byte[] Rows(BinlogEventType type, ulong tableId, int columns, byte[] rows, uint nextPosition = 1000, ushort flags = 1)
    {
        var body = new PacketWriter();
        body.WriteUInt32((uint)tableId).WriteUInt16((ushort)(tableId >> 32)).WriteUInt16(flags);
        if (type is BinlogEventType.WriteRowsV2 or BinlogEventType.UpdateRowsV2 or BinlogEventType.DeleteRowsV2) body.WriteUInt16(2);
        body.WriteLengthEncodedInteger((ulong)columns);
        var bitmap = Enumerable.Repeat((byte)0xFF, (columns + 7) / 8).ToArray();
        body.WriteBytes(bitmap);
        if (type is BinlogEventType.UpdateRowsV1 or BinlogEventType.UpdateRowsV2) body.WriteBytes(bitmap);
        body.WriteBytes(rows);
        return Event(type, body.ToArray(), nextPosition: nextPosition);
    }
}
