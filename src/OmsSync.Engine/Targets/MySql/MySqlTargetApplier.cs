using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Targets.MySql;

/// <summary>A MySQL-family server as the target of incremental synchronization: <see cref="ChangeApplier"/> and `oms`.`checkpoints`.</summary>
internal sealed class MySqlTargetApplier(MySqlEndpoint target, string task, Direction direction, ConflictPolicy policy) : ITargetApplier
{
    public async Task<ITargetSession> OpenAsync(CancellationToken cancellationToken) =>
        new Session(await target.OpenAsync(cancellationToken).ConfigureAwait(false), new ChangeApplier(task, direction, policy), task, direction);

    private sealed class Session(MySqlConnection connection, ChangeApplier applier, string task, Direction direction) : ITargetSession
    {
        public Task EnsureControlSchemaAsync(CancellationToken cancellationToken) => OmsControlSchema.EnsureAsync(connection, cancellationToken);

        public Task<Checkpoint?> ReadCheckpointAsync(CancellationToken cancellationToken) => CheckpointStore.ReadAsync(connection, task, direction, cancellationToken);

        public Task WriteStartAsync(BinlogPosition start, CancellationToken cancellationToken) =>
            CheckpointStore.WriteAsync(connection, null, task, direction, start, null, 0, cancellationToken);

        public Task SetCatchUpAsync(BinlogPosition until, CancellationToken cancellationToken) =>
            CheckpointStore.SetCatchUpAsync(connection, task, direction, until, cancellationToken);

        public async Task ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes, bool idempotent, BinlogPosition end,
            DateTimeOffset? sourceCommit, long transactions, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await applier.ApplyAsync(connection, transaction, changes, idempotent, conflicts, cancellationToken).ConfigureAwait(false);
            await CheckpointStore.WriteAsync(connection, transaction, task, direction, end, sourceCommit, transactions, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
