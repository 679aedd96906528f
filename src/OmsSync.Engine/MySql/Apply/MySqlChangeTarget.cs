using System.Data;
using MySqlConnector;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// A MySQL-family server as the target of a task direction's changes: <see cref="ChangeApplier"/> writes them,
/// `oms`.`checkpoints` holds the checkpoint, and lanes apply independent transactions side by side at READ COMMITTED
/// (so rows of different lanes do not wait on each other's gap locks, and their scans skip what other lanes hold).
/// </summary>
internal sealed class MySqlChangeTarget(MySqlEndpoint target, MigrationTask task, Direction direction) : IChangeTarget
{
    private const int MaxLanes = 8;
    // Lanes waiting on each other would wait until one gives up: make that quick while lanes run side by side.
    private const string ParallelLockWaitSeconds = "3";

    /// <summary>The target server, for work beside the applier (DDL synchronization).</summary>
    public MySqlEndpoint Endpoint => target;

    public async Task<ITargetSession> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Changes are written with the foreign key checks off: the order they are written in never trips one, and the
        // target's cascades act only where the applier asks for them (see ChangeApplier).
        await using (var command = new MySqlCommand("SET SESSION foreign_key_checks = 0", connection))
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new Session(this, connection);
    }

    public async Task<int> LanesAsync(ITargetSession first, int writeConcurrency, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(writeConcurrency, 1, MaxLanes);
        if (count == 1) return 1;
        // A statement-based binlog on the target cannot log READ COMMITTED writes.
        await using var command = new MySqlCommand("SELECT @@log_bin = 0 OR @@binlog_format <> 'STATEMENT'", ((Session)first).Connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) == 1 ? count : 1;
    }

    public bool IsTransient(Exception error) => error switch
    {
        // A lock wait or deadlock on the target (another session held the rows) is retried from the checkpoint.
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted
            or MySqlErrorCode.ConnectionCountError or MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.LockDeadlock
            || m.InnerException is IOException or System.Net.Sockets.SocketException,
        Errors.OmsException o => o.ErrorId is "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    public string Statistics =>
        $"{NetChangeWriter.Counts.Written:N0} chunks written by their net effect, {NetChangeWriter.Counts.Declined:N0} change by change after a failed check, " +
        $"{NetChangeWriter.Small:N0} too small for it; {ApplyCommands.RoundTrips:N0} round trips";

    public bool IsLaneConflict(Exception error) => error is MySqlException { ErrorCode: MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.LockDeadlock };

    internal sealed class Session(MySqlChangeTarget owner, MySqlConnection connection) : ITargetSession
    {
        private readonly ChangeApplier _applier = new(owner._name, owner._direction);
        private bool _shortLockWait;

        public MySqlConnection Connection => connection;

        public Task EnsureControlSchemaAsync(CancellationToken cancellationToken) => OmsControlSchema.EnsureAsync(connection, cancellationToken);

        public Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken) =>
            ClockSkew.OffsetAsync(token => MySqlEndpoint.ReadClockAsync(connection, token), cancellationToken);

        public Task<StoredCheckpoint?> ReadCheckpointAsync(CancellationToken cancellationToken) =>
            CheckpointStore.ReadStoredAsync(connection, owner._task, owner._direction, cancellationToken);

        public Task WriteStartAsync(string position, CancellationToken cancellationToken) =>
            CheckpointStore.WriteAsync(connection, null, owner._task, owner._direction, position, null, 0, cancellationToken);

        public Task SetCatchUpAsync(string until, CancellationToken cancellationToken) =>
            CheckpointStore.SetCatchUpAsync(connection, owner._task, owner._direction, until, cancellationToken);

        public Task<IReadOnlyList<LaneProgress>> ReadLanesAsync(CancellationToken cancellationToken) =>
            CheckpointStore.ReadLanesAsync(connection, owner._task, owner._direction, cancellationToken);

        public async Task<ITargetWrite> BeginAsync(bool parallel, CancellationToken cancellationToken)
        {
            // The lock wait is the session's, set only when a transaction needs the other one. The isolation level goes with
            // BEGIN: the client library sets it before every START TRANSACTION, whatever is asked (REPEATABLE READ when nothing is).
            if (parallel != _shortLockWait)
            {
                await ApplyCommands.ExecuteAsync(connection, null, $"SET SESSION innodb_lock_wait_timeout = {(parallel ? ParallelLockWaitSeconds : "DEFAULT")}",
                    cancellationToken).ConfigureAwait(false);
                _shortLockWait = parallel;
            }
            var transaction = await ApplyCommands.BeginAsync(connection, parallel ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead, cancellationToken)
                .ConfigureAwait(false);
            return new Write(this, transaction, parallel);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();

        internal MySqlChangeTarget Owner => owner;
        internal ChangeApplier Applier => _applier;
    }

    internal sealed class Write(Session session, MySqlTransaction transaction, bool parallel) : ITargetWrite
    {
        public MySqlConnection Connection => session.Connection;
        public MySqlTransaction Transaction => transaction;

        public Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
            CancellationToken cancellationToken) =>
            session.Applier.ApplyAsync(session.Connection, transaction, changes, idempotent, parallel, conflicts, cancellationToken);

        public Task TruncateAsync(TableApplyPlan plan, CancellationToken cancellationToken) =>
            ApplyCommands.ExecuteAsync(session.Connection, transaction, $"DELETE FROM {plan.Target}", cancellationToken);

        public async Task CommitAsync(CheckpointWrite checkpoint, CancellationToken cancellationToken)
        {
            await CheckpointStore.WriteAsync(session.Connection, transaction, session.Owner._task, session.Owner._direction, checkpoint.Position,
                checkpoint.SourceCommit, checkpoint.Transactions, cancellationToken).ConfigureAwait(false);
            await ApplyCommands.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        }

        public async Task CommitLaneAsync(LaneProgress progress, CancellationToken cancellationToken)
        {
            await CheckpointStore.WriteLaneAsync(session.Connection, transaction, session.Owner._task, session.Owner._direction, progress, cancellationToken).ConfigureAwait(false);
            await ApplyCommands.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }

    // The task's rows in `oms` carry its incarnation's key (MigrationTask.OmsKey); conflicts are logged under its name.
    private readonly string _task = task.OmsKey;
    private readonly string _name = task.Name;
    private readonly Direction _direction = direction;
}
