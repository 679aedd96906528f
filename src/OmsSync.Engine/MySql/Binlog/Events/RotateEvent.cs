using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>Names the binlog file (and position in it) the following events come from.</summary>
internal sealed class RotateEvent(BinlogEventHeader header, string nextFile, ulong position) : BinlogEvent(header)
{
    public string NextFile { get; } = nextFile;
    public ulong Position { get; } = position;

    public static RotateEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var position = reader.ReadUInt64();
        return new RotateEvent(header, reader.ReadRestAsString(), position);
    }
}
