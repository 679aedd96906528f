using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.Targets.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// The target of incremental synchronization for one task direction: where its checkpoint lives, and how a batch
/// of source changes is written. A batch and the checkpoint it reaches commit in one target transaction, so after
/// any crash the target's checkpoint says exactly which source transactions are in.
/// </summary>
internal interface ITargetApplier
{
    /// <summary>A session on a connection of its own.</summary>
    Task<ITargetSession> OpenAsync(CancellationToken cancellationToken);
}

internal interface ITargetSession : IAsyncDisposable
{
    /// <summary>Creates the `oms` control tables when missing.</summary>
    Task EnsureControlSchemaAsync(CancellationToken cancellationToken);

    /// <summary>The checkpoint, read so that a killed worker's commit still in flight is waited for.</summary>
    Task<Checkpoint?> ReadCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Records where reading starts (before the full copy), outside any batch.</summary>
    Task WriteStartAsync(BinlogPosition start, CancellationToken cancellationToken);

    /// <summary>Records the source position at which the full copy ended: up to there, replay is idempotent.</summary>
    Task SetCatchUpAsync(BinlogPosition until, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the changes in source order and the checkpoint (<paramref name="end"/>, the commit time of the last
    /// source transaction and how many transactions the batch holds) in one target transaction. Idempotent writes
    /// while catching up on the copy's window; strict ones after, whose conflicts are added to <paramref name="conflicts"/>.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes, bool idempotent, BinlogPosition end,
        DateTimeOffset? sourceCommit, long transactions, List<ConflictRecord> conflicts, CancellationToken cancellationToken);
}
