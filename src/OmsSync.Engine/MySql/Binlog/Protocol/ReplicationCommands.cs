namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>Payloads of the replica commands.</summary>
internal static class ReplicationCommands
{
    private const byte ComBinlogDump = 0x12;
    private const byte ComRegisterSlave = 0x15;
    private const byte ComBinlogDumpGtid = 0x1E;
    private const ushort BinlogThroughGtid = 0x04;

    /// <summary>COM_REGISTER_SLAVE: server id, host, user, password (one-byte lengths), port, rank, source id.</summary>
    public static byte[] RegisterReplica(uint serverId, string host, int port) =>
        new PacketWriter()
            .WriteByte(ComRegisterSlave)
            .WriteUInt32(serverId)
            .WriteByteLengthString(host)
            .WriteByteLengthString("")
            .WriteByteLengthString("")
            .WriteUInt16((ushort)port)
            .WriteUInt32(0)
            .WriteUInt32(0)
            .ToArray();

    /// <summary>
    /// COM_BINLOG_DUMP: a 4-byte position, flags, replica id, file name. MariaDB's GTID start
    /// sends it with an empty file name after setting @slave_connect_state.
    /// </summary>
    public static byte[] Dump(string file, uint position, uint serverId) =>
        new PacketWriter()
            .WriteByte(ComBinlogDump)
            .WriteUInt32(position)
            .WriteUInt16(0)
            .WriteUInt32(serverId)
            .WriteString(file)
            .ToArray();

    /// <summary>COM_BINLOG_DUMP_GTID (MySQL 5.6+): start from the transactions not in <paramref name="executed"/>.</summary>
    public static byte[] DumpGtid(MySqlGtidSet executed, string file, ulong position, uint serverId)
    {
        var fileBytes = System.Text.Encoding.UTF8.GetBytes(file);
        var set = EncodeGtidSet(executed);
        return new PacketWriter()
            .WriteByte(ComBinlogDumpGtid)
            .WriteUInt16(BinlogThroughGtid)
            .WriteUInt32(serverId)
            .WriteUInt32((uint)fileBytes.Length)
            .WriteBytes(fileBytes)
            .WriteUInt64(position)
            .WriteUInt32((uint)set.Length)
            .WriteBytes(set)
            .ToArray();
    }

    /// <summary>The binary GTID set: source count, then per source its UUID, interval count and [start, end) pairs.</summary>
    public static byte[] EncodeGtidSet(MySqlGtidSet set)
    {
        var writer = new PacketWriter().WriteUInt64((ulong)set.Sources.Count);
        foreach (var (source, intervals) in set.Sources)
        {
            writer.WriteBytes(UuidBytes(source));
            writer.WriteUInt64((ulong)intervals.Count);
            foreach (var interval in intervals)
                writer.WriteUInt64((ulong)interval.Start).WriteUInt64((ulong)interval.End + 1);
        }
        return writer.ToArray();
    }

    /// <summary>A UUID in the server's byte order (the hex digits in the order they are written).</summary>
    public static byte[] UuidBytes(Guid uuid) => Convert.FromHexString(uuid.ToString("N"));

    public static Guid UuidFromBytes(ReadOnlySpan<byte> bytes) => Guid.ParseExact(Convert.ToHexString(bytes), "N");
}
