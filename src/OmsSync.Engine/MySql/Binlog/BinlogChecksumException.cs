namespace OmsSync.Engine.MySql.Binlog;

/// <summary>A binlog event whose CRC32 does not match its bytes: the stream is corrupt and must not be applied.</summary>
public sealed class BinlogChecksumException : FormatException
{
    public BinlogChecksumException(string message) : base(message) { }
}
