namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>The server's first packet (protocol version 10).</summary>
internal sealed class InitialHandshake
{
    public required string ServerVersion { get; init; }
    public required uint ConnectionId { get; init; }
    /// <summary>The 20-byte nonce both password plugins scramble with.</summary>
    public required byte[] AuthPluginData { get; init; }
    public required CapabilityFlags Capabilities { get; init; }
    public required byte Charset { get; init; }
    public required string AuthPluginName { get; init; }

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public static InitialHandshake Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var protocol = reader.ReadByte();
        if (protocol == 0xFF)
            throw ErrorPacket.Parse(payload).ToException();
        if (protocol != 10)
            throw new FormatException($"Unsupported handshake protocol version {protocol}.");
        var version = reader.ReadNullTerminatedString();
        var connectionId = reader.ReadUInt32();
        var part1 = reader.ReadBytes(8).ToArray();
        reader.Skip(1);
        uint capabilities = reader.ReadUInt16();
        byte charset = 0;
        var authDataLength = 0;
        byte[] part2 = [];
        var plugin = "mysql_native_password";
        if (!reader.IsEmpty)
        {
            charset = reader.ReadByte();
            reader.Skip(2); // status flags
            capabilities |= (uint)reader.ReadUInt16() << 16;
            authDataLength = reader.ReadByte();
            reader.Skip(10); // reserved (MariaDB keeps extended capabilities in the last four)
            if ((capabilities & (uint)CapabilityFlags.SecureConnection) != 0)
            {
                var length = Math.Max(13, authDataLength - 8);
                part2 = reader.ReadBytes(Math.Min(length, reader.Remaining)).ToArray();
            }
            if ((capabilities & (uint)CapabilityFlags.PluginAuth) != 0 && !reader.IsEmpty)
                plugin = reader.Remaining > 0 && payload[^1] == 0 ? reader.ReadNullTerminatedString() : reader.ReadRestAsString();
        }
        // The nonce is 20 bytes; the second part carries a trailing NUL that is not part of it.
        var nonce = new byte[part1.Length + part2.Length];
        part1.CopyTo(nonce, 0);
        part2.CopyTo(nonce, part1.Length);
        if (nonce.Length > 20) nonce = nonce[..20];
        return new InitialHandshake
        {
            ServerVersion = version,
            ConnectionId = connectionId,
            AuthPluginData = nonce,
            Capabilities = (CapabilityFlags)capabilities,
            Charset = charset,
            AuthPluginName = plugin,
        };
    }
}
