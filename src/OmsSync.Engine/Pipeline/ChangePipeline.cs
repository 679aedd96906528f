using System.Diagnostics;
using System.Threading.Channels;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.MySql.Ddl;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The incremental phase of one task direction, for every pairing: whole source transactions are read in commit order
/// from the checkpoint, passed through the loop filter, the task's rules (renames, columns, row filters) and the value
/// mapping, batched and applied to the target, where each batch commits with the checkpoint it reaches; then the
/// source is told what is safely in. Connection faults are retried from the checkpoint.
/// </summary>
/// <remarks>
/// A batch merges small source transactions but never splits one. With several lanes, a batch's transactions are
/// grouped by their write sets (<see cref="TransactionGroups"/>) and the groups commit side by side, each a target
/// transaction of whole source transactions; the group that commits last writes the checkpoint, the others their
/// lane's progress, so a crash between those commits is resumed by skipping exactly the transactions already in.
/// </remarks>
internal sealed class ChangePipeline
{
    private const int MaxTransactionsPerBatch = 2_000;
    private const int MaxRowsPerBatch = 5_000;
    // Row changes written per statement run; larger chunks cost more memory than they save in round trips (20,000 narrow rows: +90 MB peak).
    private const int ChunkRows = 5_000;
    private static readonly TimeSpan IdleCheckpointInterval = TimeSpan.FromSeconds(5);

    private readonly IChangeSource _source;
    private readonly IChangeTarget _target;
    private readonly IValueMapping? _mapping;
    private readonly Func<IDdlSync?>? _ddl;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly RuntimeStore _runtime;
    private readonly TaskCatalog _tasks;
    private readonly ConflictLog _conflicts;
    private readonly TableWindowStore _windows;
    private readonly Action<string> _log;
    private readonly DateTimeOffset? _startTimestamp;
    private readonly string _spillDirectory;
    private readonly PipelineStatistics _statistics = new();

    /// <param name="ddl">Makes the DDL synchronization of the pairing, when it has one; without, a DDL on a task table pauses the task.</param>
    public ChangePipeline(IChangeSource source, IChangeTarget target, IValueMapping? mapping, Func<IDdlSync?>? ddl, MigrationTask task, Direction direction,
        StateStore store, Action<string> log)
    {
        _source = source;
        _target = target;
        _mapping = mapping;
        _ddl = ddl;
        _task = task;
        _direction = direction;
        _runtime = new RuntimeStore(store);
        _tasks = new TaskCatalog(store);
        _conflicts = new ConflictLog(store);
        _windows = new TableWindowStore(store);
        _log = log;
        // A reverse direction starts where the forward one entered its incremental phase, never by timestamp.
        _startTimestamp = direction == Direction.Forward && source.StartsAtTimestamp ? task.StartTimestamp : null;
        _spillDirectory = store.Home.SpillFolder(task.Name, direction);
    }

    /// <summary>
    /// Records where incremental reading starts, unless a checkpoint exists: call before the full copy begins, so no
    /// change made during the copy is lost.
    /// </summary>
    public async Task EnsureStartAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var session = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await session.EnsureControlSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (await session.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        var copyFollows = _direction == Direction.Forward && _task.MigrationTypes.HasFlag(MigrationTypes.Full);
        var start = await _source.RecordStartAsync(tables, copyFollows, cancellationToken).ConfigureAwait(false);
        await session.WriteStartAsync(start.Serialize(), cancellationToken).ConfigureAwait(false);
        _log($"incremental start recorded at {start}");
    }

    /// <summary>After the full copy: changes up to the source's present position are replayed idempotently.</summary>
    public async Task MarkFullCopyEndAsync(CancellationToken cancellationToken)
    {
        var end = await _source.CurrentPositionAsync(cancellationToken).ConfigureAwait(false);
        await using var session = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await session.SetCatchUpAsync(end.Serialize(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the source send the changes of the direction's tables (they are about to change).</summary>
    public Task PublishAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken) => _source.PublishAsync(tables, cancellationToken);

    /// <summary>The source's present position.</summary>
    public Task<SourcePosition> SourcePositionAsync(CancellationToken cancellationToken) => _source.CurrentPositionAsync(cancellationToken);

    /// <summary>The source's end now, and the target's checkpoint: what a cut-over waits on.</summary>
    public async Task<DirectionProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var head = await _source.CurrentPositionAsync(cancellationToken).ConfigureAwait(false);
        await using var session = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var stored = await session.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        return new DirectionProgress(head, stored is null ? null : _source.ParsePosition(stored.Position), stored?.Transactions ?? 0);
    }

    /// <summary>Whether the target holds this direction's checkpoint (its start has been recorded).</summary>
    public async Task<bool> HasCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var session = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await session.EnsureControlSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await session.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>True once the phases before incremental synchronization are behind the task: its checkpoint exists and any full copy ended.</summary>
    public async Task<bool> IsPastFullCopyAsync(CancellationToken cancellationToken)
    {
        await using var session = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await session.EnsureControlSchemaAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await session.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        // The reverse direction copies nothing: its start is recorded once the forward copy is done.
        return checkpoint is not null && (_direction == Direction.Reverse || checkpoint.CatchUpUntil is not null || !_task.MigrationTypes.HasFlag(MigrationTypes.Full));
    }

    /// <param name="reload">Reads the direction's tables anew, when a DDL on its side changed them (the reverse direction).</param>
    public async Task RunAsync(IReadOnlyList<TaskTable> taskTables, CancellationToken cancellationToken,
        Func<CancellationToken, Task<IReadOnlyList<TaskTable>>>? reload = null)
    {
        var tables = ByName(taskTables);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = _source.RunHeartbeatAsync(stop.Token);
        // Spill files of a worker that was killed: nothing will read them again.
        if (Directory.Exists(_spillDirectory)) Directory.Delete(_spillDirectory, recursive: true);
        try
        {
            while (true)
            {
                try
                {
                    await Reconnecting.RunAsync(token => StreamAsync(tables, token), IsTransient, _runtime, _task.Name, _direction, _log, stop.Token)
                        .ConfigureAwait(false);
                }
                catch (TablesChangedException) when (reload is not null)
                {
                    tables = ByName(await reload(stop.Token).ConfigureAwait(false));
                    _log($"the direction's tables were read anew: {tables.Count} table(s)");
                }
            }
        }
        finally
        {
            stop.Cancel();
            try { await heartbeat.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private static Dictionary<(string, string), TaskTable> ByName(IEnumerable<TaskTable> tables) =>
        tables.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable));

    // A conflict that other writers kept moving while the shared resolver settled it, whatever the target, goes again from the checkpoint.
    private bool IsTransient(Exception error) =>
        error is OmsException { ErrorId: "ConflictUnsettled" } || _source.IsTransient(error) || _target.IsTransient(error);

    private async Task StreamAsync(Dictionary<(string, string), TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var session = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var stored = await session.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new OmsException("CheckpointMissing", OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' has no incremental checkpoint on the target. Start it with Start-OmsForward, which records one.");
        var checkpoint = new Checkpoint(stored, _source);
        _log($"reading changes from {checkpoint.Position}");
        var ddl = _ddl?.Invoke();
        // With DDL synchronization the task's tables at the checkpoint are those the schema history says, not the source's present ones.
        if (ddl is not null && _direction == Direction.Forward && _task.IncrementalDdl) tables = ddl.TablesAt(checkpoint.Position, tables);
        ddl?.Follow(tables);
        var windows = TableWindows.Read(_windows, _task, _direction, _source, checkpoint.Position);
        _runtime.SetStreamTables(_task.Name, _direction, tables.Values.Select(t => t.Mapping.Source));
        var recovery = await LaneRecovery.ReadAsync(session, stored.Position, _source, cancellationToken).ConfigureAwait(false);
        if (recovery.Until is { } lanesReached)
            _log($"{recovery.Count} transaction(s) that parallel lanes committed past the checkpoint are skipped, up to {lanesReached}");

        await using var stream = await _source.OpenAsync(checkpoint.Position, tables, ddl, cancellationToken).ConfigureAwait(false);
        var queue = Channel.CreateBounded<SourceTransaction>(new BoundedChannelOptions(2_000) { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var transaction in stream.ReadAsync(failed.Token).ConfigureAwait(false))
                {
                    try { await queue.Writer.WriteAsync(transaction, failed.Token).ConfigureAwait(false); }
                    catch { transaction.Dispose(); throw; } // its spill file goes now, not when the collector finds it
                }
                queue.Writer.TryComplete();
            }
            catch (Exception e)
            {
                queue.Writer.TryComplete(e);
            }
        }, failed.Token);
        try
        {
            await using var filter = await _source.OpenRowFilterAsync(tables.Values, failed.Token).ConfigureAwait(false);
            await using var lanes = await Lanes.OpenAsync(_target, session, _task.WriteConcurrency, failed.Token).ConfigureAwait(false);
            var loop = new ApplyLoop(this, session, lanes, stream, filter, ddl, tables, checkpoint, recovery, windows);
            await loop.RunAsync(queue.Reader, failed.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            throw _source.Translate(e.InnerException);
        }
        catch (Exception e) when (e is not OperationCanceledException && _source.Translate(e) is var translated && !ReferenceEquals(translated, e))
        {
            throw translated;
        }
        finally
        {
            failed.Cancel();
            try { await reading.ConfigureAwait(false); } catch (OperationCanceledException) { }
            while (queue.Reader.TryRead(out var unread)) unread.Dispose();
        }
    }

    /// <summary>The checkpoint as the pipeline works with it: positions parsed by the source that wrote them.</summary>
    private sealed class Checkpoint(StoredCheckpoint stored, IChangeSource source)
    {
        public SourcePosition Position { get; } = source.ParsePosition(stored.Position);
        public SourcePosition? CatchUpUntil { get; } = stored.CatchUpUntil is null ? null : source.ParsePosition(stored.CatchUpUntil);
        public DateTimeOffset? SourceCommit { get; } = stored.SourceCommit;

        /// <summary>True for a transaction the full copy may already hold: committed at or before where the copy ended.</summary>
        public bool InCatchUp(SourceTransaction transaction) => CatchUpUntil is { } until && transaction.CommitPosition.CompareTo(until) <= 0;
    }

    /// <summary>
    /// What parallel lanes committed of a batch whose checkpoint did not follow: those source transactions are in and
    /// are skipped; the first batch after a restart reaches past all of them and goes in one lane.
    /// </summary>
    private sealed class LaneRecovery
    {
        private readonly HashSet<string> _applied;

        private LaneRecovery(HashSet<string> applied, SourcePosition? until)
        {
            _applied = applied;
            Until = until;
        }

        /// <summary>The end of the last transaction a lane committed; null once nothing is to be skipped.</summary>
        public SourcePosition? Until { get; private set; }

        public bool Skips(SourceTransaction transaction) => Until is not null && _applied.Contains(transaction.EndPosition.Key);

        public int Count => _applied.Count;

        public void Done()
        {
            _applied.Clear();
            Until = null;
        }

        public static async Task<LaneRecovery> ReadAsync(ITargetSession session, string checkpoint, IChangeSource source, CancellationToken cancellationToken)
        {
            var lanes = (await session.ReadLanesAsync(cancellationToken).ConfigureAwait(false)).Where(l => l.BatchStart == checkpoint).ToList();
            var applied = lanes.SelectMany(l => l.Applied).ToHashSet(StringComparer.Ordinal);
            SourcePosition? until = null;
            foreach (var lane in lanes)
                if (lane.Until is { } text && source.ParsePosition(text) is var end && (until is null || end.CompareTo(until) > 0))
                    until = end;
            return new LaneRecovery(applied, applied.Count == 0 ? null : until);
        }
    }

    /// <summary>Counts kept for the log line that says where the time goes.</summary>
    private sealed class PipelineStatistics
    {
        public long Batches, Spread, Unspread, LockWaits, Transactions, Rows;
        public readonly Stopwatch Waiting = new(), Applying = new();
        // Where applying goes, summed over lanes: beginning target transactions, their statements, lanes' commits, checkpoint commits.
        public long PrepareTicks, BeginTicks, StatementTicks, LaneCommitTicks, CommitTicks;
        public static string Seconds(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        public TimeSpan LastLog;
    }

    /// <summary>One reading's apply loop: batches cut from the queue, applied, checkpointed and acknowledged.</summary>
    private sealed class ApplyLoop(ChangePipeline owner, ITargetSession session, Lanes lanes, IChangeStream stream, IRowFilter? filter, IDdlSync? ddl,
        Dictionary<(string, string), TaskTable> tables, Checkpoint checkpoint, LaneRecovery recovery, TableWindows windows)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly LiveSettings _settings = new(owner._tasks, owner._windows, owner._task, owner._direction);
        private readonly StreamProgress _progress = new(owner._runtime, owner._task.Name, owner._direction, checkpoint.SourceCommit);
        private ApplyPlans? _plans;
        private TimeSpan _lastCheckpointWrite;
        private TimeSpan? _lastClockRead;
        private string _stored = checkpoint.Position.Serialize();
        private DateTimeOffset? _lastCommit = checkpoint.SourceCommit;
        // Transactions counted in batches that wrote no checkpoint (nothing of theirs was left to write, e.g. all committed
        // by lanes before a crash): the next checkpoint written counts them, or the target's count would miss them.
        private long _uncounted;
        // Changes met inside the windows of joined tables, for the log line when the stream passes them.
        private long _windowRows;

        private MigrationTask Task => owner._task;
        private Direction Direction => owner._direction;

        public async Task RunAsync(ChannelReader<SourceTransaction> queue, CancellationToken cancellationToken)
        {
            _plans = new ApplyPlans(tables, _settings, Direction, owner._source, Task.DmlTypesOf(Direction));
            if (Task.DmlTypesOf(Direction) is var applied and not DmlTypes.All)
                owner._log($"applies only {applied} changes (-DmlTypes); the other kinds are dropped");
            if (ddl is not null)
            {
                await ddl.LoadAsync(session, cancellationToken).ConfigureAwait(false);
                foreach (var (table, until) in ddl.CatchUp) windows.Add(table, until, checkpoint.Position);
            }
            var statistics = owner._statistics;
            while (true)
            {
                statistics.Waiting.Start();
                var more = await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                statistics.Waiting.Stop();
                if (!more) break;
                if (_settings.Look(_clock.Elapsed)) _plans!.RenewRules();
                // Tables added to or removed from the task: the phases run again with them, from the checkpoint.
                if (_settings.ObjectsChanged) throw new TaskObjectsChangedException();
                using var batch = await CutAsync(queue, cancellationToken).ConfigureAwait(false);
                // -RowsPerSecond and -BytesPerSecond pace whole batches, so a source transaction is never split by them.
                if (_settings.Throttle.Limited)
                    await _settings.Throttle.WaitAsync(batch.Sum(t => (long)t.Changes.Count), ChangeBytes.Of(batch, _settings.Throttle), cancellationToken).ConfigureAwait(false);
                statistics.Applying.Start();
                var reload = await ApplyAsync(batch, queue.Count == 0, cancellationToken).ConfigureAwait(false);
                statistics.Applying.Stop();
                Report(batch, queue.Count == 0);
                if (reload) throw new TablesChangedException();
                await MeasureClocksAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The next batch: at most so many transactions and rows. A DDL is a batch of its own (the rows before it are
        /// applied and checkpointed first), and a batch never straddles the end of the catch-up window: what the copy
        /// may already hold is written idempotently, everything after it strictly. After a crash between lanes' commits,
        /// the first batch reaches past every transaction a lane committed.
        /// </summary>
        private async Task<TransactionBatch> CutAsync(ChannelReader<SourceTransaction> queue, CancellationToken cancellationToken)
        {
            var batch = new TransactionBatch();
            var rows = 0;
            // Under a rate limit, batches of about a quarter second's rows keep the pace smooth.
            var maxRows = _settings.Throttle.MaxBatchRows(MaxRowsPerBatch);
            while (true)
            {
                var recovering = recovery.Until is { } until && (batch.Count == 0 || batch[^1].EndPosition.CompareTo(until) < 0);
                if (!recovering && (batch.Count >= MaxTransactionsPerBatch || rows >= maxRows)) break;
                if (!queue.TryPeek(out var next))
                {
                    if (!recovering) break;
                    if (!await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) break;
                    continue;
                }
                var isDdl = next.ContainsDdl;
                if (isDdl && batch.Count > 0) break;
                if (batch.Count > 0 && checkpoint.InCatchUp(batch[0]) != checkpoint.InCatchUp(next)) break;
                queue.TryRead(out _);
                batch.Add(next);
                rows += next.Changes.Count;
                if (isDdl) break;
            }
            return batch;
        }

        /// <returns>True when the direction's tables must be read anew.</returns>
        private async Task<bool> ApplyAsync(TransactionBatch batch, bool queueEmpty, CancellationToken cancellationToken)
        {
            // A DDL goes first, so the rows its transaction carries (CREATE TABLE ... SELECT) and all after it meet the tables it leaves.
            DdlResult? ddlDone = null;
            if (ddl is not null && batch is [var ddlTransaction] && ddlTransaction.ContainsDdl && !(owner._startTimestamp is { } ddlFrom && ddlTransaction.CommitTime < ddlFrom))
            {
                ddlDone = await ddl.ApplyAsync(session, ddlTransaction, tables, cancellationToken).ConfigureAwait(false);
                if (ddlDone?.Tables is { } after)
                {
                    tables = after;
                    _plans!.Reset(tables);
                }
            }
            var counted = new List<SourceTransaction>();
            var meaningful = 0;
            foreach (var transaction in batch)
            {
                if (transaction.IsHeartbeat)
                {
                    if (transaction.SourceClocked) _lastCommit = transaction.CommitTime;
                    continue;
                }
                _lastCommit = transaction.CommitTime;
                if (owner._startTimestamp is { } from && transaction.CommitTime < from) continue;
                // Written by the other direction: dropped whole, and it does not count as a transaction of ours; only its
                // deletes of NewerWins tables come back, to the side they came from.
                if (LoopFilter.AppliedByOtherDirection(transaction, Task.OmsKey, Direction))
                {
                    if (!checkpoint.InCatchUp(transaction) && LoopFilter.EchoesOf(transaction.Changes, Echoed) is { } echoes)
                        counted.Add(new SourceTransaction(transaction.Id, echoes, transaction.CommitTime, transaction.StartPosition, transaction.EndPosition)
                            { CommitPosition = transaction.CommitPosition });
                    continue;
                }
                if (ddl is null && transaction.ContainsDdl && transaction.Changes.OfType<DdlChange>().FirstOrDefault(d => owner._source.Concerns(d, tables)) is { } concerning)
                    // Rows before the DDL are in (the DDL ends its batch); stop at the DDL's start so it is met again on resume.
                    throw new TaskPausedException("DdlPaused", Task.Name,
                        $"A DDL on a synchronized table was read at {transaction.StartPosition} and DDL synchronization is off, so the task is paused: {concerning.Statement} " +
                        "Apply the same change to the target, then resume (Resume-OmsTask), or skip it.");
                if (transaction.SpilledChanges > 0)
                    owner._log($"applying {transaction.Id ?? transaction.EndPosition.ToString()}: {transaction.Changes.Count:N0} changes, {transaction.SpilledChanges:N0} of them spilled to disk, in one target transaction");
                counted.Add(transaction);
                // The checkpoint counts the transactions that changed the task's tables (others only move it).
                if (tables.Keys.Any(t => transaction.HasRowsOf(t.Item1, t.Item2))) meaningful++;
            }
            var last = batch[^1];
            var idempotent = checkpoint.InCatchUp(last);
            var now = _clock.Elapsed;
            // Transactions of other tables move the checkpoint too, but need no target write of their own each:
            // every few seconds under load, within a second once caught up.
            var caughtUp = queueEmpty && now - _lastCheckpointWrite > TimeSpan.FromSeconds(1);
            var end = new CheckpointWrite(last.EndPosition.Serialize(), _lastCommit, meaningful + _uncounted);
            var applying = counted.Where(t => !recovery.Skips(t)).ToList();
            var written = false;
            if (lanes.Count > 1 && !idempotent && ddlDone is null && recovery.Until is null && applying.Count > 1
                && applying.All(t => t.SpilledChanges == 0) && !HasWindows)
                written = await TrySpreadAsync(applying, end, cancellationToken).ConfigureAwait(false);
            if (!written)
                written = await ApplyInOneLaneAsync(applying, idempotent, end,
                    ddlDone is not null || (counted.Count > 0 || last.IsHeartbeat) && (caughtUp || now - _lastCheckpointWrite > IdleCheckpointInterval),
                    ddlDone is null ? null : write => ddl!.CompleteAsync(write, ddlDone, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (written)
            {
                _lastCheckpointWrite = now;
                _stored = end.Position;
                _uncounted = 0;
                recovery.Done();
                // The tables a DDL brought in with their rows copied: their windows are stored with this checkpoint.
                foreach (var (table, until) in ddlDone?.CatchUp ?? []) windows.Add(table, until, last.EndPosition);
                if (windows.Passed(last.EndPosition) is { Count: > 0 } passed)
                {
                    owner._log($"past the window of {string.Join(", ", passed)}: {_windowRows:N0} change(s) in it replayed over the copy");
                    _windowRows = 0;
                }
                // Only now may the source let go of what the target holds.
                stream.Acknowledge(last.EndPosition);
            }
            else
            {
                _uncounted += meaningful;
            }
            owner._statistics.Transactions += meaningful;
            _progress.Applied(0, meaningful, counted.Count > 0 ? _lastCommit : null);
            return ddlDone?.Reload == true;
        }

        /// <summary>
        /// Applies the batch's transactions over the lanes when they fall into independent groups: every group a target
        /// transaction of its own, lanes 1..n-1 committed first with their progress, lane 0 last with the checkpoint.
        /// False when they do not spread, or lanes waited on each other's locks and nothing was committed.
        /// </summary>
        private async Task<bool> TrySpreadAsync(List<SourceTransaction> transactions, CheckpointWrite end, CancellationToken cancellationToken)
        {
            var preparing = Stopwatch.GetTimestamp();
            var changes = new List<IReadOnlyList<(TableApplyPlan, RowChange)>>(transactions.Count);
            var all = new List<(TableApplyPlan, RowChange)>();
            var owners = new List<int>();
            for (var t = 0; t < transactions.Count; t++)
                foreach (var change in transactions[t].Changes)
                {
                    if (change is TruncateChange) return false; // a table-wide statement: one lane
                    if (change is RowChange row && _plans!.For(row) is { } plan)
                    {
                        all.Add((plan, row));
                        owners.Add(t);
                    }
                }
            var through = filter is null ? null : await filter.ThroughAsync(all, cancellationToken).ConfigureAwait(false);
            for (var t = 0; t < transactions.Count; t++) changes.Add(new List<(TableApplyPlan, RowChange)>());
            for (var i = 0; i < all.Count; i++)
            {
                var (plan, row) = all[i];
                if (through is not null && (row = through[i]!) is null) continue;
                ((List<(TableApplyPlan, RowChange)>)changes[owners[i]]).Add((plan, Map(plan, row)));
            }
            var groups = TransactionGroups.Split(changes, lanes.Count);
            owner._statistics.PrepareTicks += Stopwatch.GetTimestamp() - preparing;
            if (groups.Count < 2)
            {
                owner._statistics.Unspread++;
                return false;
            }
            var conflicts = groups.Select(_ => new List<ConflictRecord>()).ToArray();
            var writes = new ITargetWrite?[groups.Count];
            try
            {
                try
                {
                    await System.Threading.Tasks.Task.WhenAll(groups.Select(async (group, lane) =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        writes[lane] = await lanes[lane].BeginAsync(parallel: true, cancellationToken).ConfigureAwait(false);
                        var begun = Stopwatch.GetTimestamp();
                        Interlocked.Add(ref owner._statistics.BeginTicks, begun - started);
                        var rows = group.SelectMany(t => changes[t]).ToList();
                        foreach (var chunk in rows.Chunk(ChunkRows))
                            await writes[lane]!.ApplyAsync(chunk, idempotent: false, conflicts[lane], cancellationToken).ConfigureAwait(false);
                        Interlocked.Add(ref owner._statistics.StatementTicks, Stopwatch.GetTimestamp() - begun);
                    })).ConfigureAwait(false);
                }
                catch (Exception e) when (owner._target.IsLaneConflict(e))
                {
                    owner._statistics.LockWaits++;
                    return false;
                }
                var committing = Stopwatch.GetTimestamp();
                await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(1, groups.Count - 1).Select(async lane =>
                {
                    var applied = groups[lane].Select(t => transactions[t].EndPosition.Key).ToList();
                    var until = transactions[groups[lane][^1]].EndPosition.Serialize();
                    await writes[lane]!.CommitLaneAsync(new LaneProgress(lane, _stored, until, applied), cancellationToken).ConfigureAwait(false);
                    owner._conflicts.Record(conflicts[lane]);
                })).ConfigureAwait(false);
                var lanesCommitted = Stopwatch.GetTimestamp();
                owner._statistics.LaneCommitTicks += lanesCommitted - committing;
                await writes[0]!.CommitAsync(end, cancellationToken).ConfigureAwait(false);
                owner._statistics.CommitTicks += Stopwatch.GetTimestamp() - lanesCommitted;
                owner._conflicts.Record(conflicts[0]);
                owner._statistics.Spread++;
                owner._statistics.Rows += changes.Sum(c => c.Count);
                _progress.Applied(changes.Sum(c => c.Count), 0, null);
                return true;
            }
            finally
            {
                foreach (var write in writes)
                    if (write is not null) await write.DisposeAsync().ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Applies a batch in one target transaction on the session's own connection, streaming its changes in bounded
        /// chunks, with the checkpoint in the same transaction; a batch without rows writes the checkpoint only when
        /// <paramref name="checkpointAnyway"/>. True when a checkpoint was written.
        /// </summary>
        private async Task<bool> ApplyInOneLaneAsync(List<SourceTransaction> transactions, bool idempotent, CheckpointWrite end, bool checkpointAnyway,
            Func<ITargetWrite, Task>? beforeCommit, CancellationToken cancellationToken)
        {
            var conflicts = new List<ConflictRecord>();
            ITargetWrite? write = null;
            try
            {
                // Changes of a table that joined with a copy of its rows, in transactions the copy may already hold: written idempotently, first.
                var copied = new List<(TableApplyPlan, RowChange)>();
                if (HasWindows)
                    foreach (var transaction in transactions)
                        foreach (var row in transaction.Changes.OfType<RowChange>())
                            if (_plans!.For(row) is { } plan && InWindow(plan, transaction))
                                copied.Add((plan, row));
                var statistics = owner._statistics;
                await foreach (var run in RunsAsync(copied.Count == 0 ? null : copied, transactions, idempotent, cancellationToken).ConfigureAwait(false))
                {
                    var started = Stopwatch.GetTimestamp();
                    if (write is null)
                    {
                        write = await session.BeginAsync(parallel: false, cancellationToken).ConfigureAwait(false);
                        statistics.BeginTicks += Stopwatch.GetTimestamp() - started;
                        started = Stopwatch.GetTimestamp();
                    }
                    if (run.Transaction is not null) ((ITransactionScopedTarget)owner._target).Entering(run.Transaction);
                    if (run.Truncate is { } table) await write.TruncateAsync(table, cancellationToken).ConfigureAwait(false);
                    else
                    {
                        statistics.Rows += await write.ApplyAsync(run.Rows!, run.Idempotent, conflicts, cancellationToken).ConfigureAwait(false);
                        _progress.Applied(run.Rows!.Count, 0, null);
                    }
                    statistics.StatementTicks += Stopwatch.GetTimestamp() - started;
                }
                if (write is null && checkpointAnyway)
                {
                    var started = Stopwatch.GetTimestamp();
                    write = await session.BeginAsync(parallel: false, cancellationToken).ConfigureAwait(false);
                    statistics.BeginTicks += Stopwatch.GetTimestamp() - started;
                }
                if (write is null) return false;
                if (beforeCommit is not null) await beforeCommit(write).ConfigureAwait(false);
                var committing = Stopwatch.GetTimestamp();
                await write.CommitAsync(end, cancellationToken).ConfigureAwait(false);
                statistics.CommitTicks += Stopwatch.GetTimestamp() - committing;
                owner._conflicts.Record(conflicts);
                return true;
            }
            finally
            {
                if (write is not null) await write.DisposeAsync().ConfigureAwait(false);
            }
        }

        /// <param name="Transaction">The source transaction of the run's changes, for a target that writes it with them (<see cref="ITransactionScopedTarget"/>).</param>
        private sealed record Run(List<(TableApplyPlan, RowChange)>? Rows, TableApplyPlan? Truncate, bool Idempotent, SourceTransaction? Transaction = null);

        /// <summary>
        /// The transactions' changes in source order, as runs to write in one mode: row changes in chunks of at most
        /// <see cref="ChunkRows"/>, filtered and mapped; each TRUNCATE in its place. A change whose image
        /// lacks some columns is always written as a plain UPDATE: an idempotent REPLACE would lose them. The changes are
        /// streamed: a transaction spilled to disk is read back as it goes and is never held in memory whole.
        /// </summary>
        private async IAsyncEnumerable<Run> RunsAsync(List<(TableApplyPlan, RowChange)>? copied, IEnumerable<SourceTransaction> transactions, bool idempotent,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (copied is not null)
                foreach (var chunk in copied.Chunk(ChunkRows))
                    if (await FilterAndMapAsync(chunk, cancellationToken).ConfigureAwait(false) is { Count: > 0 } kept)
                        yield return new Run(kept, null, Idempotent: true);
            var rows = new List<(TableApplyPlan, RowChange)>();
            var mode = idempotent;
            // A target that writes each change's transaction with it gets runs of one transaction each.
            var scoped = owner._target is ITransactionScopedTarget;
            SourceTransaction? current = null;
            foreach (var transaction in transactions)
            {
                if (scoped && rows.Count > 0 && await FilterAndMapAsync(rows, cancellationToken).ConfigureAwait(false) is { Count: > 0 } previous)
                    yield return new Run(previous, null, mode, current);
                if (scoped) rows = [];
                current = scoped ? transaction : null;
                foreach (var change in transaction.Changes)
                {
                    if (HasWindows && change is RowChange inWindow && _plans!.For(inWindow) is { } copiedPlan && InWindow(copiedPlan, transaction))
                    {
                        _windowRows++;
                        continue; // written with the copied ones
                    }
                    if (change is TruncateChange truncate)
                    {
                        if (_plans!.ForTable(truncate.Database, truncate.Table) is not { } table) continue;
                        if (rows.Count > 0 && await FilterAndMapAsync(rows, cancellationToken).ConfigureAwait(false) is { Count: > 0 } before)
                            yield return new Run(before, null, mode, current);
                        rows = [];
                        yield return new Run(null, table, idempotent, current);
                        continue;
                    }
                    if (change is not RowChange row || _plans!.For(row) is not { } plan) continue;
                    var rowMode = idempotent && plan.Missing is null;
                    if (rows.Count > 0 && (rowMode != mode || rows.Count >= ChunkRows))
                    {
                        if (await FilterAndMapAsync(rows, cancellationToken).ConfigureAwait(false) is { Count: > 0 } kept) yield return new Run(kept, null, mode, current);
                        rows = [];
                    }
                    mode = rowMode;
                    rows.Add((plan, row));
                }
            }
            if (rows.Count > 0 && await FilterAndMapAsync(rows, cancellationToken).ConfigureAwait(false) is { Count: > 0 } rest)
                yield return new Run(rest, null, mode, current);
        }

        private async Task<List<(TableApplyPlan, RowChange)>> FilterAndMapAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, CancellationToken cancellationToken)
        {
            var through = filter is null ? null : await filter.ThroughAsync(changes, cancellationToken).ConfigureAwait(false);
            var kept = new List<(TableApplyPlan, RowChange)>(changes.Count);
            for (var i = 0; i < changes.Count; i++)
            {
                var row = through is null ? changes[i].Change : through[i];
                if (row is not null) kept.Add((changes[i].Plan, Map(changes[i].Plan, row)));
            }
            return kept;
        }

        private bool HasWindows => windows.Any;

        /// <summary>Whether a change falls in the window of a table that joined with a copy of its rows: the copy may hold it.</summary>
        private bool InWindow(TableApplyPlan plan, SourceTransaction transaction) =>
            windows.Covers(plan.Table, transaction.EndPosition);

        // Whether a row change of the other direction's comes back (its table is under NewerWins), and whether it moves its row.
        private bool? Echoed(RowChange row) =>
            _plans!.For(row) is { Rule.Policy: ConflictPolicy.NewerWins, HasKey: true } plan
                ? plan.MovesKey(row) : null;

        private RowChange Map(TableApplyPlan plan, RowChange row) => owner._mapping is null ? row : owner._mapping.Map(plan, row);

        /// <summary>Every minute, the skew between the source's and the target's clocks (NewerWins compares times the two wrote).</summary>
        private async Task MeasureClocksAsync(CancellationToken cancellationToken)
        {
            var now = _clock.Elapsed;
            if (_lastClockRead is { } last && now - last < TimeSpan.FromMinutes(1)) return;
            _lastClockRead = now;
            try
            {
                var source = await owner._source.ClockOffsetAsync(cancellationToken).ConfigureAwait(false);
                var target = await session.ClockOffsetAsync(cancellationToken).ConfigureAwait(false);
                owner._runtime.SetClockSkew(Task.Name, Direction, target - source);
            }
            catch (Exception e) when (e is not OperationCanceledException && owner.IsTransient(e))
            {
                // What the skew is matters to the DBA, not to applying: a server that did not answer is met again by the batch after.
                owner._log($"the servers' clocks were not read: {e.Message}");
            }
        }

        private void Report(TransactionBatch batch, bool queueEmpty)
        {
            var statistics = owner._statistics;
            statistics.Batches++;
            var now = _clock.Elapsed;
            // Every half minute under load, and once a backlog is caught up.
            if (now - statistics.LastLog >= TimeSpan.FromSeconds(30) || queueEmpty && now - statistics.LastLog >= TimeSpan.FromSeconds(5) && batch.Any(t => !t.IsHeartbeat))
            {
                owner._log($"{statistics.Transactions:N0} transactions, {statistics.Rows:N0} rows applied in {statistics.Batches:N0} batches ({statistics.Spread:N0} over " +
                           $"{lanes.Count} lanes, {statistics.Unspread:N0} could not spread, {statistics.LockWaits:N0} fell back on lock waits); " +
                           (owner._target.Statistics is { Length: > 0 } written ? written + "; " : "") +
                           $"{statistics.Waiting.Elapsed.TotalSeconds:0.0} s waiting for the source, {statistics.Applying.Elapsed.TotalSeconds:0.0} s applying " +
                           $"({PipelineStatistics.Seconds(statistics.PrepareTicks)} s grouping; over the lanes: {PipelineStatistics.Seconds(statistics.BeginTicks)} s beginning, {PipelineStatistics.Seconds(statistics.StatementTicks)} s in statements, " +
                           $"{PipelineStatistics.Seconds(statistics.LaneCommitTicks)} s in lane commits, {PipelineStatistics.Seconds(statistics.CommitTicks)} s in checkpoint commits)");
                statistics.LastLog = now;
            }
            _progress.Report(batch[^1].EndPosition.ToString(), idle: queueEmpty && batch[^1].IsHeartbeat);
        }
    }
}
