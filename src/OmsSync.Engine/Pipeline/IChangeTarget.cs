using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The target of one task direction's changes: where its checkpoint lives and how batches of source transactions are
/// written. A batch and the checkpoint it reaches commit in one target transaction, so after any crash the target says
/// exactly which source transactions are in. A database keeps the checkpoint in a control table; a message stream
/// would keep it in its own transaction.
/// </summary>
internal interface IChangeTarget
{
    /// <summary>A session on a connection of its own.</summary>
    Task<ITargetSession> OpenAsync(CancellationToken cancellationToken);

    /// <summary>How many sessions may apply independent transactions side by side (1: one lane).</summary>
    Task<int> LanesAsync(ITargetSession first, int writeConcurrency, CancellationToken cancellationToken);

    /// <summary>A failure worth retrying from the checkpoint (a lost connection, a lock wait, a deadlock).</summary>
    bool IsTransient(Exception error);

    /// <summary>Sessions applying side by side waited on each other's locks: the batch goes again in one lane.</summary>
    bool IsLaneConflict(Exception error);

    /// <summary>What the target's own way of writing has done so far, for the worker log (empty when nothing to say).</summary>
    string Statistics { get; }
}

internal interface ITargetSession : IAsyncDisposable
{
    /// <summary>Creates the target's control objects when missing.</summary>
    Task EnsureControlSchemaAsync(CancellationToken cancellationToken);

    /// <summary>The checkpoint, read so that a killed worker's commit still in flight is waited for.</summary>
    Task<StoredCheckpoint?> ReadCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Records where reading starts (before the full copy), outside any batch.</summary>
    Task WriteStartAsync(string position, CancellationToken cancellationToken);

    /// <summary>Records the source position at which the full copy ended: up to there, replay is idempotent.</summary>
    Task SetCatchUpAsync(string until, CancellationToken cancellationToken);

    /// <summary>What lanes committed of a batch whose checkpoint did not follow (a crash between their commits).</summary>
    Task<IReadOnlyList<LaneProgress>> ReadLanesAsync(CancellationToken cancellationToken);

    /// <summary>The target server's clock minus this machine's (<see cref="ClockSkew"/>).</summary>
    Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken);

    /// <summary>Begins the target transaction that changes and a checkpoint (or a lane's progress) are written in.</summary>
    /// <param name="parallel">Other sessions write beside this one: lock waits must give up quickly.</param>
    Task<ITargetWrite> BeginAsync(bool parallel, CancellationToken cancellationToken);
}

/// <summary>One open target transaction.</summary>
internal interface ITargetWrite : IAsyncDisposable
{
    /// <summary>
    /// Writes changes in source order: idempotently while catching up on the copy's window, strictly after, with
    /// conflicts handled by each table's rule and added to <paramref name="conflicts"/>. Returns the rows written.
    /// </summary>
    Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
        CancellationToken cancellationToken);

    /// <summary>Removes every row of the table (a source TRUNCATE), in this transaction.</summary>
    Task TruncateAsync(TableApplyPlan plan, CancellationToken cancellationToken);

    /// <summary>Writes the checkpoint and commits.</summary>
    Task CommitAsync(CheckpointWrite checkpoint, CancellationToken cancellationToken);

    /// <summary>Writes a lane's progress (the source transactions it holds of a batch) and commits.</summary>
    Task CommitLaneAsync(LaneProgress progress, CancellationToken cancellationToken);
}

/// <summary>What a checkpoint write records: the source position reached, the last commit time, the source transactions added.</summary>
internal sealed record CheckpointWrite(string Position, DateTimeOffset? SourceCommit, long Transactions);

/// <summary>
/// A parallel lane's part of a batch that built on checkpoint <paramref name="BatchStart"/>: the keys of the source
/// transactions it committed (<see cref="SourcePosition.Key"/> of their end positions), the last of which ends at <paramref name="Until"/>.
/// </summary>
internal sealed record LaneProgress(int Lane, string BatchStart, string? Until, IReadOnlyList<string> Applied);
