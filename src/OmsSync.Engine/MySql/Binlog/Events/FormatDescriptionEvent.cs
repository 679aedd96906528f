using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>The first event of every binlog file: server version, header lengths, checksum algorithm.</summary>
internal sealed class FormatDescriptionEvent : BinlogEvent
{
    public FormatDescriptionEvent(BinlogEventHeader header, ushort binlogVersion, string serverVersion, byte[] postHeaderLengths, ChecksumAlgorithm checksum)
        : base(header)
    {
        BinlogVersion = binlogVersion;
        ServerVersion = serverVersion;
        PostHeaderLengths = postHeaderLengths;
        Checksum = checksum;
    }

    public ushort BinlogVersion { get; }
    public string ServerVersion { get; }
    /// <summary>Indexed by event type - 1.</summary>
    public byte[] PostHeaderLengths { get; }
    public ChecksumAlgorithm Checksum { get; }

    public int PostHeaderLength(BinlogEventType type, int fallback)
    {
        var index = (int)type - 1;
        return index >= 0 && index < PostHeaderLengths.Length ? PostHeaderLengths[index] : fallback;
    }

    /// <summary>
    /// Parses the whole event (header included). The checksum algorithm byte sits just before the
    /// 4 checksum bytes at the end; servers older than checksums (MySQL 5.6.1, MariaDB 5.3) have neither.
    /// </summary>
    public static FormatDescriptionEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new PacketReader(data[BinlogEventHeader.Size..]);
        var version = reader.ReadUInt16();
        var serverVersion = reader.ReadString(50).TrimEnd('\0');
        reader.Skip(4); // created timestamp
        var headerLength = reader.ReadByte();
        if (headerLength != BinlogEventHeader.Size)
            throw new FormatException($"Unsupported binlog event header length {headerLength}; only binlog format v4 is read.");
        var checksum = ChecksumAlgorithm.Off;
        var rest = reader.ReadRest();
        if (SupportsChecksum(serverVersion))
        {
            if (rest.Length < 5) throw new FormatException("Truncated FORMAT_DESCRIPTION event.");
            checksum = (ChecksumAlgorithm)rest[^5];
            rest = rest[..^5];
        }
        return new FormatDescriptionEvent(header, version, serverVersion, rest.ToArray(), checksum);
    }

    private static bool SupportsChecksum(string serverVersion)
    {
        var digits = serverVersion.Split('-')[0].Split('.');
        if (digits.Length < 3 || !int.TryParse(digits[0], out var major) || !int.TryParse(digits[1], out var minor)) return true;
        var patch = int.TryParse(new string(digits[2].TakeWhile(char.IsDigit).ToArray()), out var p) ? p : 0;
        var mariaDb = serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var version = major * 10_000 + minor * 100 + patch;
        return version >= (mariaDb ? 50_300 : 50_601);
    }
}

internal enum ChecksumAlgorithm : byte
{
    Off = 0,
    Crc32 = 1,
    Undefined = 255,
}
