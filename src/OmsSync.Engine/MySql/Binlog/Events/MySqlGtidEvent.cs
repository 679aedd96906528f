using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>MySQL GTID (or ANONYMOUS_GTID) event: starts a transaction and names it uuid:number.</summary>
internal sealed class MySqlGtidEvent(BinlogEventHeader header, Guid source, long transactionNumber, ulong? commitMicroseconds, bool anonymous) : BinlogEvent(header)
{
    public Guid Source { get; } = source;
    public long TransactionNumber { get; } = transactionNumber;
    /// <summary>immediate_commit_timestamp (microseconds since the epoch) when the server writes it (8.0.1+).</summary>
    public ulong? CommitMicroseconds { get; } = commitMicroseconds;
    public bool IsAnonymous { get; } = anonymous;

    public string Gtid => $"{Source:D}:{TransactionNumber}";

    public static MySqlGtidEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        reader.Skip(1); // commit flag
        var source = ReplicationCommands.UuidFromBytes(reader.ReadBytes(16));
        var number = (long)reader.ReadUInt64();
        ulong? commit = null;
        if (reader.Remaining >= 17 && reader.ReadByte() == 2)
        {
            reader.Skip(16); // last_committed, sequence_number
            if (reader.Remaining >= 7)
            {
                var immediate = reader.ReadUIntLE(7);
                commit = immediate & ~(1UL << 55);
            }
        }
        return new MySqlGtidEvent(header, source, number, commit, header.Type == BinlogEventType.AnonymousGtid);
    }
}
