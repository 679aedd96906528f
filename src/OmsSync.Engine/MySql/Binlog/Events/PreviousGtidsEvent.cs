using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>MySQL: the GTID set executed before the file this event opens.</summary>
internal sealed class PreviousGtidsEvent(BinlogEventHeader header, MySqlGtidSet set) : BinlogEvent(header)
{
    public MySqlGtidSet Set { get; } = set;

    public static PreviousGtidsEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var set = MySqlGtidSet.Empty;
        var sources = reader.ReadUInt64();
        for (ulong s = 0; s < sources; s++)
        {
            var uuid = ReplicationCommands.UuidFromBytes(reader.ReadBytes(16));
            var intervals = reader.ReadUInt64();
            for (ulong i = 0; i < intervals; i++)
            {
                var start = (long)reader.ReadUInt64();
                var end = (long)reader.ReadUInt64() - 1;
                set = set.Add(uuid, new GtidInterval(start, end));
            }
        }
        return new PreviousGtidsEvent(header, set);
    }
}
