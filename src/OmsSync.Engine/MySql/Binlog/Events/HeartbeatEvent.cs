using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>
/// Sent by the server when it has had nothing to send for the heartbeat period: the file it is
/// reading and (in the header, or in the v2 body) the position it has reached.
/// </summary>
internal sealed class HeartbeatEvent(BinlogEventHeader header, string file, ulong position) : BinlogEvent(header)
{
    public string File { get; } = file;
    public ulong Position { get; } = position;

    public static HeartbeatEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body) =>
        new(header, new PacketReader(body).ReadRestAsString(), header.NextPosition);

    /// <summary>MySQL 8.0.26+ HEARTBEAT_LOG_EVENT_V2: type-length-value fields (1 = file name, 2 = position).</summary>
    public static HeartbeatEvent ParseV2(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var file = "";
        ulong position = header.NextPosition;
        while (!reader.IsEmpty)
        {
            var type = reader.ReadByte();
            var value = reader.ReadLengthEncodedBytes();
            if (type == 1) file = System.Text.Encoding.UTF8.GetString(value);
            else if (type == 2) position = new PacketReader(value).ReadLengthEncodedInteger();
        }
        return new HeartbeatEvent(header, file, position);
    }
}
