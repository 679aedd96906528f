using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>MariaDB GTID_LIST: the binlog state (last GTID per domain and server) at the start of a file.</summary>
internal sealed class MariaDbGtidListEvent(BinlogEventHeader header, IReadOnlyList<MariaDbGtid> gtids) : BinlogEvent(header)
{
    public IReadOnlyList<MariaDbGtid> Gtids { get; } = gtids;

    public static MariaDbGtidListEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var count = reader.ReadUInt32() & 0x0FFFFFFF; // the top four bits are flags
        if (count > (uint)reader.Remaining / 16) throw new FormatException($"GTID_LIST claims {count} entries in {reader.Remaining} bytes.");
        var gtids = new List<MariaDbGtid>((int)count);
        for (var i = 0; i < count; i++)
        {
            var domain = reader.ReadUInt32();
            var server = reader.ReadUInt32();
            gtids.Add(new MariaDbGtid(domain, server, reader.ReadUInt64()));
        }
        return new MariaDbGtidListEvent(header, gtids);
    }
}
