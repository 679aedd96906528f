using NpgsqlTypes;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// A whole PostgreSQL transaction read from the task's replication slot, in commit order, or (when
/// <see cref="IsHeartbeat"/>) a bare position advance. <see cref="End"/> is where to resume to read what follows:
/// the end of the commit record, which PostgreSQL's own subscribers confirm too.
/// </summary>
/// <remarks><see cref="Changes"/> are row changes and <see cref="TruncateChange"/>s, in the order the source made them.</remarks>
internal sealed record LogicalTransaction(IReadOnlyList<BinlogChange> Changes, DateTimeOffset CommitTime, NpgsqlLogSequenceNumber End, bool IsHeartbeat = false)
{
    public static LogicalTransaction Heartbeat(NpgsqlLogSequenceNumber at) => new([], DateTimeOffset.UtcNow, at, IsHeartbeat: true);
}
