using Npgsql;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.Targets.MySql;

namespace OmsSync.Engine.Targets.Postgres;

/// <summary>
/// PostgreSQL as the target of incremental synchronization from a MySQL-family binlog: <see cref="PostgresChangeApplier"/>
/// writes each batch, and the checkpoint goes into oms.checkpoints in the same transaction.
/// </summary>
internal sealed class PostgresTargetApplier : ITargetApplier
{
    private readonly PostgresEndpoint _target;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly Dictionary<string, TableSchema> _shapes;
    private readonly bool _marksFirst;

    /// <param name="shapes">Each source table's (by "db.table") PostgreSQL table: the one schema migration makes, or the one found.</param>
    /// <param name="bidirectional">The task's other direction reads this database: every transaction starts with the direction's marker.</param>
    public PostgresTargetApplier(PostgresEndpoint target, MigrationTask task, Direction direction, IReadOnlyDictionary<string, TableSchema> shapes, bool bidirectional)
    {
        _target = target;
        _task = task;
        _direction = direction;
        _marksFirst = bidirectional;
        _shapes = new Dictionary<string, TableSchema>(shapes, StringComparer.Ordinal);
    }

    /// <summary>The PostgreSQL tables the forward direction of a MySQL-to-PostgreSQL task writes: as schema migration makes them.</summary>
    public static IReadOnlyDictionary<string, TableSchema> Migrated(IEnumerable<TaskTable> tables) =>
        tables.ToDictionary(t => t.Mapping.Source, t => PostgresSchemaPhase.Expected(t, []), StringComparer.Ordinal);

    public async Task<ITargetSession> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var plans = new Dictionary<TableApplyPlan, PostgresTablePlan>(ReferenceEqualityComparer.Instance);
        var applier = new PostgresChangeApplier(_task.Name, _direction,
            plan => plans.TryGetValue(plan, out var planned) ? planned : plans[plan] = new PostgresTablePlan(plan, _shapes[plan.Table.Mapping.Source]));
        return new Session(this, connection, applier);
    }

    private sealed class Session(PostgresTargetApplier owner, NpgsqlConnection connection, PostgresChangeApplier applier) : ITargetSession
    {
        public Task EnsureControlSchemaAsync(CancellationToken cancellationToken) => PostgresControlSchema.EnsureAsync(connection, cancellationToken);

        public async Task<Checkpoint?> ReadCheckpointAsync(CancellationToken cancellationToken)
        {
            var stored = await PostgresCheckpointStore.ReadAsync(connection, owner._task.OmsKey, owner._direction, cancellationToken).ConfigureAwait(false);
            return stored is null ? null : new Checkpoint(CheckpointPosition.Parse(stored.Position),
                stored.CatchUpUntil is null ? null : CheckpointPosition.Parse(stored.CatchUpUntil), stored.Transactions, stored.SourceCommit);
        }

        public Task WriteStartAsync(BinlogPosition start, CancellationToken cancellationToken) =>
            PostgresCheckpointStore.WriteAsync(connection, null, owner._task.OmsKey, owner._direction, CheckpointPosition.Serialize(start), null, 0, cancellationToken);

        public Task SetCatchUpAsync(BinlogPosition until, CancellationToken cancellationToken) =>
            PostgresCheckpointStore.SetCatchUpAsync(connection, owner._task.OmsKey, owner._direction, CheckpointPosition.Serialize(until), cancellationToken);

        public Task<ApplyLanes?> OpenLanesAsync(int writeConcurrency, BinlogPosition checkpoint, CancellationToken cancellationToken) =>
            Task.FromResult<ApplyLanes?>(null); // one lane: parallel lanes are a MySQL-family target's

        public async Task<ITargetWrite> BeginAsync(CancellationToken cancellationToken)
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // The direction's marker leads the transaction, so the other direction, reading a large one in pieces, knows it from the first.
            if (owner._marksFirst)
                await PostgresCheckpointStore.MarkAsync(connection, transaction, owner._task.OmsKey, owner._direction, cancellationToken).ConfigureAwait(false);
            return new Write(owner, connection, applier, transaction);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private sealed class Write(PostgresTargetApplier owner, NpgsqlConnection connection, PostgresChangeApplier applier, NpgsqlTransaction transaction) : ITargetWrite
    {
        public async Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
            CancellationToken cancellationToken)
        {
            await applier.ApplyAsync(connection, transaction, changes, idempotent, conflicts, cancellationToken).ConfigureAwait(false);
            return changes.Count;
        }

        public async Task CommitAsync(BinlogPosition end, DateTimeOffset? sourceCommit, long transactions, CancellationToken cancellationToken)
        {
            await PostgresCheckpointStore.WriteAsync(connection, transaction, owner._task.OmsKey, owner._direction, CheckpointPosition.Serialize(end), sourceCommit,
                transactions, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }
}
