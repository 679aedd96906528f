using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Targets.MySql;

/// <summary>A MySQL-family server as the target of incremental synchronization: <see cref="ChangeApplier"/>, parallel lanes and `oms`.`checkpoints`.</summary>
internal sealed class MySqlTargetApplier(MySqlEndpoint target, MigrationTask task, Direction direction) : ITargetApplier
{
    private readonly ChangeApplier _applier = new(task.Name, direction);

    public async Task<ITargetSession> OpenAsync(CancellationToken cancellationToken) =>
        new Session(this, await target.OpenAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The target server, for work beside the applier (DDL synchronization).</summary>
    public MySqlEndpoint Endpoint => target;

    internal sealed class Session(MySqlTargetApplier owner, MySqlConnection connection) : ITargetSession
    {
        public MySqlConnection Connection => connection;

        public Task EnsureControlSchemaAsync(CancellationToken cancellationToken) => OmsControlSchema.EnsureAsync(connection, cancellationToken);

        public Task<Checkpoint?> ReadCheckpointAsync(CancellationToken cancellationToken) =>
            CheckpointStore.ReadAsync(connection, owner.TaskName, owner.Direction, cancellationToken);

        public Task WriteStartAsync(BinlogPosition start, CancellationToken cancellationToken) =>
            CheckpointStore.WriteAsync(connection, null, owner.TaskName, owner.Direction, start, null, 0, cancellationToken);

        public Task SetCatchUpAsync(BinlogPosition until, CancellationToken cancellationToken) =>
            CheckpointStore.SetCatchUpAsync(connection, owner.TaskName, owner.Direction, until, cancellationToken);

        public async Task<ApplyLanes?> OpenLanesAsync(int writeConcurrency, BinlogPosition checkpoint, CancellationToken cancellationToken) =>
            await ApplyLanes.OpenAsync(owner.Endpoint, connection, owner.Task, owner.Direction, writeConcurrency, checkpoint, cancellationToken).ConfigureAwait(false);

        public async Task<ITargetWrite> BeginAsync(CancellationToken cancellationToken) =>
            new Write(owner, connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    internal sealed class Write(MySqlTargetApplier owner, MySqlConnection connection, MySqlTransaction transaction) : ITargetWrite
    {
        public MySqlConnection Connection => connection;
        public MySqlTransaction Transaction => transaction;

        public Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
            CancellationToken cancellationToken) =>
            owner._applier.ApplyAsync(connection, transaction, changes, idempotent, conflicts, cancellationToken);

        public async Task CommitAsync(BinlogPosition end, DateTimeOffset? sourceCommit, long transactions, CancellationToken cancellationToken)
        {
            await CheckpointStore.WriteAsync(connection, transaction, owner.TaskName, owner.Direction, end, sourceCommit, transactions, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }

    /// <summary>The key of the task's rows in `oms` (<see cref="MigrationTask.OmsKey"/>).</summary>
    private string TaskName => task.OmsKey;
    private MigrationTask Task => task;
    private Direction Direction => direction;
}
