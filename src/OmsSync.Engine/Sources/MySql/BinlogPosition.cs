namespace OmsSync.Engine.Sources.MySql;

/// <summary>
/// A resumable binlog position: always a transaction boundary, never a point inside one.
/// <see cref="Position"/> is the offset of the next event in <see cref="File"/>;
/// <see cref="Gtids"/> is the GTID state after the transaction (a MariaDB GTID list such as
/// "0-1-100" or a MySQL GTID set), or null when the stream has not learned it.
/// </summary>
public sealed record BinlogPosition(string File, long Position, string? Gtids, BinlogServerFlavor Flavor)
{
    public override string ToString() => Gtids is null ? $"{File}:{Position}" : $"{File}:{Position} [{Gtids}]";
}
