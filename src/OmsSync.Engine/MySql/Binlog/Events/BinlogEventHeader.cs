using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>The 19-byte header every binlog event (v4) starts with.</summary>
internal readonly record struct BinlogEventHeader(uint Timestamp, BinlogEventType Type, uint ServerId, uint EventSize, uint NextPosition, ushort Flags)
{
    public const int Size = 19;
    /// <summary>LOG_EVENT_ARTIFICIAL_F: made up by the server for this stream (e.g. the first Rotate), not read from a file.</summary>
    public const ushort ArtificialFlag = 0x20;

    /// <summary>LOG_EVENT_SKIP_REPLICATION_F (MariaDB): written by a session with @@skip_replication=1.</summary>
    public const ushort SkipReplicationFlag = 0x8000;

    public bool IsArtificial => (Flags & ArtificialFlag) != 0 || NextPosition == 0;

    public static BinlogEventHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size) throw new FormatException($"Binlog event of {data.Length} bytes is shorter than its 19-byte header.");
        var reader = new PacketReader(data);
        return new BinlogEventHeader(reader.ReadUInt32(), (BinlogEventType)reader.ReadByte(), reader.ReadUInt32(),
            reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt16());
    }
}
