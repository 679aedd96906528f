namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>An ERR packet: 0xFF, error number, optional '#' + 5-character SQLSTATE, message.</summary>
internal sealed record ErrorPacket(int ErrorNumber, string SqlState, string Message)
{
    public const byte Header = 0xFF;

    public static ErrorPacket Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        if (reader.ReadByte() != Header) throw new FormatException("Not an ERR packet.");
        var number = reader.ReadUInt16();
        var state = "HY000";
        if (!reader.IsEmpty && reader.PeekByte() == (byte)'#')
        {
            reader.Skip(1);
            state = reader.ReadString(5);
        }
        return new ErrorPacket(number, state, reader.ReadRestAsString());
    }

    /// <param name="server">The server that sent it (<see cref="BinlogConnectionOptions.Describe"/>), for the message.</param>
    public BinlogServerException ToException(string? server = null) => new(ErrorNumber, SqlState, Message, server);
}
