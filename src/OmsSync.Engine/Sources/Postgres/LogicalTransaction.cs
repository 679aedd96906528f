using NpgsqlTypes;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// A whole PostgreSQL transaction read from the task's replication slot, in commit order, or (when
/// <see cref="IsHeartbeat"/>) a bare position advance. <see cref="End"/> is where to resume to read what follows:
/// the end of the commit record, which PostgreSQL's own subscribers confirm too.
/// </summary>
/// <remarks>
/// <see cref="Changes"/> are row changes and <see cref="TruncateChange"/>s, in the order the source made them.
/// <see cref="Images"/>, when the reader keeps them (for row filters), holds each row change's images as PostgreSQL
/// wrote them, aligned with <see cref="Changes"/>.
/// </remarks>
internal sealed record LogicalTransaction(IReadOnlyList<BinlogChange> Changes, DateTimeOffset CommitTime, NpgsqlLogSequenceNumber End,
    bool IsHeartbeat = false, IReadOnlyList<SourceImages?>? Images = null)
{
    public static LogicalTransaction Heartbeat(NpgsqlLogSequenceNumber at) => new([], DateTimeOffset.UtcNow, at, IsHeartbeat: true);
}

/// <summary>
/// A row change's images in PostgreSQL's own text, as JSON objects of column to text (null for NULL; a column whose
/// unchanged TOASTed value was not sent is left out), ready for jsonb_populate_record on the source.
/// </summary>
internal sealed record SourceImages(string? Before, string? After);
