namespace OmsSync.Engine.MySql.Binlog;

/// <summary>The source settings change capture depends on, as the server reports them (null when the server has no such variable).</summary>
public sealed record BinlogSourceSettings(
    string ServerVersion,
    BinlogServerFlavor Flavor,
    bool LogBin,
    string? BinlogFormat,
    string? BinlogRowImage,
    string? BinlogChecksum,
    string? BinlogRowMetadata,
    string? GtidMode,
    uint ServerId)
{
    /// <summary>True when rows are logged whole (binlog_format=ROW, binlog_row_image=FULL), which exact replication and conflict checks need.</summary>
    public bool LogsFullRows =>
        LogBin && string.Equals(BinlogFormat, "ROW", StringComparison.OrdinalIgnoreCase) &&
        (BinlogRowImage is null || string.Equals(BinlogRowImage, "FULL", StringComparison.OrdinalIgnoreCase));
}
