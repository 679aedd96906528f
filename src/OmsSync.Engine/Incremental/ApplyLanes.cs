using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.Targets.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Parallel apply lanes (-WriteConcurrency): one target connection and transaction per lane, every row in
/// the lane its key hashes to (<see cref="LaneRouter"/>), so no row's changes are reordered.
/// </summary>
/// <remarks>
/// Exactly once: lanes 1..n-1 commit first, each with its own progress row (the source position its rows of
/// the batch reach); lane 0 commits last with the task's checkpoint. After a crash between those commits the
/// checkpoint is behind some lanes: on the way back up to them, a lane's rows of the transactions it already
/// committed are skipped (<see cref="AlreadyApplied"/>), by the lane count it committed them with.
/// Lanes run at READ COMMITTED so rows of different lanes do not wait on each other's gap locks; when lanes
/// still wait on each other (a lock wait of more than a few seconds while they run side by side), the batch
/// is rolled back and applied in one lane.
/// </remarks>
internal sealed class ApplyLanes : IAsyncDisposable
{
    private const int MaxLanes = 8;

    private readonly MySqlConnection[] _connections;
    private readonly ChangeApplier[] _appliers;
    private readonly IReadOnlyList<LaneCheckpoint> _committedAhead;

    private ApplyLanes(MySqlConnection[] connections, ChangeApplier[] appliers, IReadOnlyList<LaneCheckpoint> committedAhead)
    {
        _connections = connections;
        _appliers = appliers;
        _committedAhead = committedAhead;
    }

    public int Count => _connections.Length;

    /// <summary>How many batches fell back to one lane because lanes waited on each other's locks.</summary>
    public long LockWaits { get; private set; }

    /// <summary>
    /// Opens the lanes beside the runner's target connection (lane 0). When no lane row is ahead of the
    /// checkpoint, all are history and are deleted; otherwise they are kept, and those ahead drive <see cref="AlreadyApplied"/>.
    /// </summary>
    public static async Task<ApplyLanes> OpenAsync(MySqlEndpoint endpoint, MySqlConnection first, MigrationTask task, Direction direction, int writeConcurrency,
        BinlogPosition checkpoint, CancellationToken cancellationToken)
    {
        var lanes = await CheckpointStore.ReadLanesAsync(first, task.OmsKey, direction, cancellationToken).ConfigureAwait(false);
        var ahead = lanes.Where(l => CheckpointPosition.Compare(l.Position, checkpoint) > 0).ToList();
        if (ahead.Count == 0 && lanes.Count > 0)
            await CheckpointStore.DeleteLanesAsync(first, task.OmsKey, direction, cancellationToken).ConfigureAwait(false);
        var count = Math.Clamp(writeConcurrency, 1, MaxLanes);
        if (count > 1 && !await CanReadCommittedAsync(first, cancellationToken).ConfigureAwait(false))
            count = 1; // statement-based binlog on the target: READ COMMITTED writes cannot be logged
        var connections = new MySqlConnection[count];
        connections[0] = first;
        try
        {
            for (var i = 1; i < count; i++)
                connections[i] = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (count > 1)
                foreach (var connection in connections)
                {
                    await using var session = new MySqlCommand("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", connection);
                    await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
        }
        catch
        {
            for (var i = 1; i < count; i++)
                if (connections[i] is { } opened) await opened.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new ApplyLanes(connections, connections.Select(_ => new ChangeApplier(task.Name, direction)).ToArray(), ahead);
    }

    private static async Task<bool> CanReadCommittedAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT @@log_bin = 0 OR @@binlog_format <> 'STATEMENT'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) == 1;
    }

    /// <summary>True for a change that a lane committed before the worker stopped, while the checkpoint stayed behind.</summary>
    public bool AlreadyApplied(BinlogTransaction transaction, TableApplyPlan plan, BinlogRowChange change)
    {
        if (_committedAhead.Count == 0) return false;
        foreach (var lane in _committedAhead)
            if (CheckpointPosition.Compare(transaction.EndPosition, lane.Position) <= 0 && LaneRouter.LaneOf(plan, change, lane.Lanes) == lane.Lane)
                return true;
        return false;
    }

    /// <summary>
    /// Splits a batch's changes by lane; null when there is one lane or some change cannot be spread (the
    /// batch then goes through lane 0 alone).
    /// </summary>
    public List<(TableApplyPlan, BinlogRowChange)>[]? Split(IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes)
    {
        if (Count == 1 || changes.Count < 2) return null;
        var lanes = new List<(TableApplyPlan, BinlogRowChange)>[Count];
        for (var i = 0; i < Count; i++) lanes[i] = new();
        foreach (var (plan, change) in changes)
        {
            var lane = LaneRouter.LaneOf(plan, change, Count);
            if (lane == LaneRouter.Unspreadable) return null;
            lanes[lane].Add((plan, change));
        }
        return lanes;
    }

    /// <summary>
    /// Applies a split batch: every lane's rows in its own transaction, lanes 1..n-1 committed with their
    /// progress rows, then lane 0 with <paramref name="checkpoint"/>. False when lanes waited on each other
    /// and nothing was committed: apply the batch in one lane instead.
    /// </summary>
    public async Task<bool> ApplyAsync(List<(TableApplyPlan, BinlogRowChange)>[] split, string taskKey, Direction direction, BinlogPosition end,
        Func<MySqlConnection, MySqlTransaction, Task> checkpoint, Action<List<ConflictRecord>> record, CancellationToken cancellationToken)
    {
        var transactions = new MySqlTransaction?[Count];
        var conflicts = new List<ConflictRecord>[Count];
        try
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, Count).Select(async lane =>
                {
                    conflicts[lane] = new();
                    transactions[lane] = await _connections[lane].BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    // Lanes waiting on each other would wait until one gives up: make that quick while lanes run side by side.
                    await LockWaitAsync(_connections[lane], transactions[lane]!, ParallelLockWait, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await _appliers[lane].ApplyAsync(_connections[lane], transactions[lane]!, split[lane], idempotent: false, conflicts[lane], cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        await LockWaitAsync(_connections[lane], transactions[lane]!, "DEFAULT", cancellationToken).ConfigureAwait(false);
                    }
                })).ConfigureAwait(false);
            }
            catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.LockDeadlock)
            {
                LockWaits++;
                return false;
            }
            await Task.WhenAll(Enumerable.Range(1, Count - 1).Where(lane => split[lane].Count > 0).Select(async lane =>
            {
                await CheckpointStore.WriteLaneAsync(_connections[lane], transactions[lane]!, taskKey, direction, lane, Count, end, cancellationToken).ConfigureAwait(false);
                await transactions[lane]!.CommitAsync(cancellationToken).ConfigureAwait(false);
                record(conflicts[lane]);
            })).ConfigureAwait(false);
            await checkpoint(_connections[0], transactions[0]!).ConfigureAwait(false);
            await transactions[0]!.CommitAsync(cancellationToken).ConfigureAwait(false);
            record(conflicts[0]);
            return true;
        }
        finally
        {
            foreach (var transaction in transactions)
                if (transaction is not null) await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }

    private const string ParallelLockWait = "3";

    private static async Task LockWaitAsync(MySqlConnection connection, MySqlTransaction transaction, string seconds, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"SET SESSION innodb_lock_wait_timeout = {seconds}", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 1; i < _connections.Length; i++)
            await _connections[i].DisposeAsync().ConfigureAwait(false);
    }
}
