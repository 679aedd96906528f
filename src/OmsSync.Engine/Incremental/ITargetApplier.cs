using OmsSync.Engine.Changes;
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

    /// <summary>Parallel apply lanes beside this session (MySQL-family targets), or null when the target applies in one lane.</summary>
    Task<ApplyLanes?> OpenLanesAsync(int writeConcurrency, BinlogPosition checkpoint, CancellationToken cancellationToken);

    /// <summary>Begins the target transaction that a batch's changes and its checkpoint are written in.</summary>
    Task<ITargetWrite> BeginAsync(CancellationToken cancellationToken);
}

/// <summary>One open target transaction of the incremental phase.</summary>
internal interface ITargetWrite : IAsyncDisposable
{
    /// <summary>
    /// Writes changes in source order: idempotently while catching up on the copy's window, strictly after, with
    /// conflicts handled by each table's rule and added to <paramref name="conflicts"/>. Returns the rows written.
    /// </summary>
    Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
        CancellationToken cancellationToken);

    /// <summary>Writes the checkpoint (the end of the batch's last source transaction) and commits.</summary>
    Task CommitAsync(BinlogPosition end, DateTimeOffset? sourceCommit, long transactions, CancellationToken cancellationToken);
}
