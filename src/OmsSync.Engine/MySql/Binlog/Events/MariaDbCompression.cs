using System.IO.Compression;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>
/// MariaDB's log_bin_compress format: one header byte (0x80 | n), the uncompressed length in n
/// big-endian bytes, then a zlib stream.
/// </summary>
internal static class MariaDbCompression
{
    public static byte[] Decompress(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || (data[0] & 0xE0) != 0x80) throw new FormatException("Compressed binlog data lacks its 0x80 header byte.");
        var lengthBytes = data[0] & 0x07;
        if (lengthBytes is < 1 or > 4 || data.Length < 1 + lengthBytes) throw new FormatException("Bad compressed binlog length header.");
        var length = 0L;
        for (var i = 1; i <= lengthBytes; i++) length = length << 8 | data[i];
        var output = new byte[length];
        using var input = new MemoryStream(data[(1 + lengthBytes)..].ToArray());
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        try
        {
            zlib.ReadExactly(output);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new FormatException("Compressed binlog data is corrupt or shorter than its stated length.", e);
        }
        return output;
    }
}
