namespace OmsSync.Engine.Pipeline;

/// <summary>
/// A checkpoint as a target stores it: the position's text (as its kind of source writes it), where catching up on the
/// full copy ends, how many source transactions were applied, and the last source commit time.
/// </summary>
internal sealed record StoredCheckpoint(string Position, string? CatchUpUntil, long Transactions, DateTimeOffset? SourceCommit);
