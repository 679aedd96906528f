namespace OmsSync.Engine.Incremental;

/// <summary>
/// A checkpoint as a target stores it: the position's text (a binlog position or a PostgreSQL LSN, as the source
/// writes it), where catching up on the full copy ends, how many transactions were applied, the last commit time.
/// </summary>
internal sealed record StoredCheckpoint(string Position, string? CatchUpUntil, long Transactions, DateTimeOffset? SourceCommit);
