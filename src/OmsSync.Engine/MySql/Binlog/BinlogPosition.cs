using OmsSync.Engine.Changes;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// A resumable binlog position: always a transaction boundary, never a point inside one.
/// <see cref="Position"/> is the offset of the next event in <see cref="File"/>;
/// <see cref="Gtids"/> is the GTID state after the transaction (a MariaDB GTID list such as
/// "0-1-100" or a MySQL GTID set), or null when the stream has not learned it.
/// </summary>
public sealed record BinlogPosition(string File, long Position, string? Gtids, BinlogServerFlavor Flavor) : SourcePosition
{
    public override string Serialize() => CheckpointPosition.Serialize(this);

    public override string Key => $"{File}:{Position}";

    public override (long Major, long Minor) SortKey => (CheckpointPosition.FileSequence(File), Position);

    public override int CompareTo(SourcePosition? other) => other is BinlogPosition binlog
        ? CheckpointPosition.Compare(this, binlog)
        : throw new ArgumentException($"A binlog position cannot be compared with {other?.GetType().Name ?? "null"}.", nameof(other));

    public override string ToString() => Gtids is null ? $"{File}:{Position}" : $"{File}:{Position} [{Gtids}]";
}
