using Npgsql;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>
/// PostgreSQL as the target of a task direction's changes: <see cref="PostgresChangeApplier"/> writes each batch, the
/// checkpoint goes into oms.checkpoints in the same transaction, and lanes apply independent transactions side by side.
/// </summary>
internal sealed class PostgresChangeTarget : IChangeTarget
{
    private const int MaxLanes = 8;

    private readonly PostgresEndpoint _target;
    private readonly string _task;
    private readonly string _name;
    private readonly Direction _direction;
    private readonly Dictionary<string, TableSchema> _shapes;

    /// <param name="shapes">Each source table's (by "db.table") PostgreSQL table: the one schema migration makes, or the one found.</param>
    public PostgresChangeTarget(PostgresEndpoint target, MigrationTask task, Direction direction, IReadOnlyDictionary<string, TableSchema> shapes)
    {
        _target = target;
        // The task's rows in `oms` carry its incarnation's key (MigrationTask.OmsKey); conflicts are logged under its name.
        _task = task.OmsKey;
        _name = task.Name;
        _direction = direction;
        _shapes = new Dictionary<string, TableSchema>(shapes, StringComparer.Ordinal);
    }

    /// <summary>The PostgreSQL tables the forward direction of a MySQL-to-PostgreSQL task writes: as schema migration makes them.</summary>
    /// <param name="postGis">Whether the target database has PostGIS (spatial columns are geometry there, bytea elsewhere).</param>
    public static IReadOnlyDictionary<string, TableSchema> Migrated(IEnumerable<TaskTable> tables, bool postGis) =>
        tables.ToDictionary(t => t.Mapping.Source, t => PostgresSchemaPhase.Expected(t, [], postGis), StringComparer.Ordinal);

    public async Task<ITargetSession> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var plans = new Dictionary<TableApplyPlan, PostgresTablePlan>(ReferenceEqualityComparer.Instance);
        var applier = new PostgresChangeApplier(_name, _direction,
            plan => plans.TryGetValue(plan, out var planned) ? planned : plans[plan] = new PostgresTablePlan(plan, _shapes[plan.Table.Mapping.Source]));
        return new Session(this, connection, applier);
    }

    public Task<int> LanesAsync(ITargetSession first, int writeConcurrency, CancellationToken cancellationToken) =>
        Task.FromResult(Math.Clamp(writeConcurrency, 1, MaxLanes));

    public bool IsTransient(Exception error) => error switch
    {
        PostgresException p => p.IsTransient || p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable,
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException,
        Errors.OmsException o => o.ErrorId is "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    public string Statistics => "";

    public bool IsLaneConflict(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable };

    private sealed class Session(PostgresChangeTarget owner, NpgsqlConnection connection, PostgresChangeApplier applier) : ITargetSession
    {
        public Task EnsureControlSchemaAsync(CancellationToken cancellationToken) => PostgresControlSchema.EnsureAsync(connection, cancellationToken);

        public Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken) =>
            ClockSkew.OffsetAsync(token => PostgresEndpoint.ReadClockAsync(connection, token), cancellationToken);

        public Task<StoredCheckpoint?> ReadCheckpointAsync(CancellationToken cancellationToken) =>
            PostgresCheckpointStore.ReadAsync(connection, owner._task, owner._direction, cancellationToken);

        public Task WriteStartAsync(string position, CancellationToken cancellationToken) =>
            PostgresCheckpointStore.WriteAsync(connection, null, owner._task, owner._direction, position, null, 0, cancellationToken);

        public Task SetCatchUpAsync(string until, CancellationToken cancellationToken) =>
            PostgresCheckpointStore.SetCatchUpAsync(connection, owner._task, owner._direction, until, cancellationToken);

        public Task<IReadOnlyList<LaneProgress>> ReadLanesAsync(CancellationToken cancellationToken) =>
            PostgresCheckpointStore.ReadLanesAsync(connection, owner._task, owner._direction, cancellationToken);

        public async Task<ITargetWrite> BeginAsync(bool parallel, CancellationToken cancellationToken)
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (parallel)
            {
                // Lanes waiting on each other would wait until one gives up: make that quick while they run side by side (ends with the transaction).
                await using var command = new NpgsqlCommand("SET LOCAL lock_timeout = '3s'", connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return new Write(owner, connection, applier, transaction);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private sealed class Write(PostgresChangeTarget owner, NpgsqlConnection connection, PostgresChangeApplier applier, NpgsqlTransaction transaction) : ITargetWrite
    {
        public async Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
            CancellationToken cancellationToken)
        {
            await applier.ApplyAsync(connection, transaction, changes, idempotent, conflicts, cancellationToken).ConfigureAwait(false);
            return changes.Count;
        }

        public async Task TruncateAsync(TableApplyPlan plan, CancellationToken cancellationToken)
        {
            var shape = owner._shapes[plan.Table.Mapping.Source];
            await using var command = new NpgsqlCommand($"DELETE FROM {PostgresSyntax.QuoteQualified(shape.Database, shape.Name)}", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task CommitAsync(CheckpointWrite checkpoint, CancellationToken cancellationToken)
        {
            await PostgresCheckpointStore.WriteAsync(connection, transaction, owner._task, owner._direction, checkpoint.Position, checkpoint.SourceCommit,
                checkpoint.Transactions, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task CommitLaneAsync(LaneProgress progress, CancellationToken cancellationToken)
        {
            await PostgresCheckpointStore.WriteLaneAsync(connection, transaction, owner._task, owner._direction, progress, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }
}
