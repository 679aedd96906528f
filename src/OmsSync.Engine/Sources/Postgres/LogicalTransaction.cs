using OmsSync.Engine.Changes;
using NpgsqlTypes;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// A whole PostgreSQL transaction read from the task's replication slot, in commit order, or (when
/// <see cref="IsHeartbeat"/>) a bare position advance. <see cref="End"/> is where to resume to read what follows:
/// the end of the commit record, which PostgreSQL's own subscribers confirm too. A transaction too large to hold
/// comes in pieces: every piece but the last <see cref="Continues"/>, and only the last has the commit's end and time.
/// </summary>
/// <remarks>
/// <see cref="Changes"/> are row changes and <see cref="TruncateChange"/>s, in the order the source made them.
/// <see cref="Images"/>, when the reader keeps them (for row filters), holds each row change's images as PostgreSQL
/// wrote them, aligned with <see cref="Changes"/>. <see cref="Commit"/> is where the commit record starts (known from
/// the transaction's first message, so every piece has it).
/// </remarks>
internal sealed record LogicalTransaction(IReadOnlyList<SourceChange> Changes, DateTimeOffset CommitTime, NpgsqlLogSequenceNumber End,
    bool IsHeartbeat = false, IReadOnlyList<SourceImages?>? Images = null, NpgsqlLogSequenceNumber Commit = default, bool Continues = false)
{
    public static LogicalTransaction Heartbeat(NpgsqlLogSequenceNumber at) => new([], DateTimeOffset.UtcNow, at, IsHeartbeat: true, Commit: at);
}

/// <summary>
/// A row change's images in PostgreSQL's own text, as JSON objects of column to text (null for NULL; a column whose
/// unchanged TOASTed value was not sent is left out), ready for jsonb_populate_record on the source.
/// </summary>
internal sealed record SourceImages(string? Before, string? After);
