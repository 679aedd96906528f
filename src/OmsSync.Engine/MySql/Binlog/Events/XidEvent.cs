using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>Commit of a transaction on a transactional engine.</summary>
internal sealed class XidEvent(BinlogEventHeader header, ulong xid) : BinlogEvent(header)
{
    public ulong Xid { get; } = xid;

    public static XidEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body) => new(header, new PacketReader(body).ReadUInt64());
}
