using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>MariaDB GTID event: starts an event group; the originating server id is the header's.</summary>
internal sealed class MariaDbGtidEvent(BinlogEventHeader header, MariaDbGtid gtid, byte flags) : BinlogEvent(header)
{
    /// <summary>FL_STANDALONE: the group is a single statement (DDL) with no COMMIT/XID after it.</summary>
    public const byte Standalone = 0x01;
    public const byte GroupCommitId = 0x02;
    public const byte Transactional = 0x04;
    public const byte Ddl = 0x20;
    public const byte PreparedXa = 0x40;
    public const byte CompletedXa = 0x80;

    public MariaDbGtid Gtid { get; } = gtid;
    public byte Flags { get; } = flags;
    public bool IsStandalone => (Flags & Standalone) != 0;
    public bool IsDdl => (Flags & Ddl) != 0;

    /// <summary>Post-header: sequence number (8), domain id (4), flags (1).</summary>
    public static MariaDbGtidEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var sequence = reader.ReadUInt64();
        var domain = reader.ReadUInt32();
        var flags = reader.ReadByte();
        return new MariaDbGtidEvent(header, new MariaDbGtid(domain, header.ServerId, sequence), flags);
    }
}
