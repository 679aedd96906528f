using System.Diagnostics;
using System.Threading.Channels;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.State;
using OmsSync.Engine.Targets.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// The incremental phase: reads the source binlog from the task's checkpoint and applies whole source
/// transactions to the target in commit order. Several small source transactions are merged into one
/// target transaction, which also writes the checkpoint; so after any crash the target's checkpoint says
/// exactly which source transactions are in. Connection faults are retried from that checkpoint.
/// </summary>
public sealed class IncrementalRunner
{
    private const int MaxTransactionsPerBatch = 500;
    private const int MaxRowsPerBatch = 5_000;
    private static readonly TimeSpan IdleCheckpointInterval = TimeSpan.FromSeconds(5);

    private readonly MySqlEndpoint _source;
    private readonly ITargetApplier _target;
    private readonly string _sourcePassword;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly RuntimeStore _runtime;
    private readonly TaskCatalog _tasks;
    private readonly DateTimeOffset? _startTimestamp;
    private readonly ConflictLog _conflicts;
    private readonly SchemaHistory _history;
    private readonly DdlLog _ddlLog;
    private readonly Action<string> _log;
    private readonly string _spillDirectory;
    private long _rowsApplied;
    private long _transactionsApplied;

    public IncrementalRunner(MySqlEndpoint source, string sourcePassword, MySqlEndpoint target, MigrationTask task, Direction direction,
        StateStore store, Action<string> log)
        : this(source, sourcePassword, new MySqlTargetApplier(target, task, direction), task, direction, store, log)
    {
    }

    /// <param name="target">The target's side: a MySQL-family server or PostgreSQL.</param>
    internal IncrementalRunner(MySqlEndpoint source, string sourcePassword, ITargetApplier target, MigrationTask task, Direction direction,
        StateStore store, Action<string> log)
    {
        _runtime = new RuntimeStore(store);
        _tasks = new TaskCatalog(store);
        _conflicts = new ConflictLog(store);
        _history = new SchemaHistory(store);
        _ddlLog = new DdlLog(store);
        _source = source;
        _sourcePassword = sourcePassword;
        _target = target;
        _task = task;
        _direction = direction;
        _log = log;
        // A reverse direction starts where the forward one entered its incremental phase, never by timestamp.
        _startTimestamp = direction == Direction.Forward ? task.StartTimestamp : null;
        _spillDirectory = store.Home.SpillFolder(task.Name, direction);
    }

    /// <summary>
    /// Records where incremental reading starts, unless a checkpoint exists: call before the full copy begins.
    /// The tables' schemas are recorded as in force from that position on.
    /// </summary>
    public async Task EnsureStartAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await target.EnsureControlSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (await target.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        var start = await BinlogServerInfo.GetCurrentPositionAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
        if (_startTimestamp is not null && !_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            // A timestamp start reads from the oldest binlog the source keeps and skips what committed before it.
            var files = await BinlogServerInfo.ListFilesAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
            start = new BinlogPosition(files[0].Name, 4, null, start.Flavor);
        }
        foreach (var table in tables)
            _history.Record(_task.Name, _direction, table.Mapping.SourceDatabase, table.Mapping.SourceTable, table.Schema, table.Mapping, member: true,
                CheckpointPosition.FileSequence(start.File), start.Position);
        await target.WriteStartAsync(start, cancellationToken).ConfigureAwait(false);
        _log($"incremental start recorded at {start}");
    }

    /// <summary>After the full copy: changes up to the source's present position are replayed idempotently.</summary>
    public async Task MarkFullCopyEndAsync(CancellationToken cancellationToken)
    {
        var end = await BinlogServerInfo.GetCurrentPositionAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await target.SetCatchUpAsync(end, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True once the phases before incremental synchronization are behind the task: its checkpoint exists and any full copy ended.</summary>
    public async Task<bool> IsPastFullCopyAsync(CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await target.EnsureControlSchemaAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await target.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        // The reverse direction copies nothing: its start is recorded once the forward copy is done.
        return checkpoint is not null && (_direction == Direction.Reverse || checkpoint.CatchUpUntil is not null || !_task.MigrationTypes.HasFlag(MigrationTypes.Full));
    }

    /// <param name="reload">Reads the direction's tables anew, when a DDL on its side changed them (the reverse direction).</param>
    public async Task RunAsync(IReadOnlyList<TaskTable> taskTables, CancellationToken cancellationToken,
        Func<CancellationToken, Task<IReadOnlyList<TaskTable>>>? reload = null)
    {
        var tables = taskTables.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = SourceHeartbeat.RunAsync(_source, _task.OmsKey, TimeSpan.FromSeconds(1), _log, stop.Token);
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
                    tables = (await reload(stop.Token).ConfigureAwait(false)).ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable));
                    _log($"the direction's tables were read anew: {tables.Count} table(s)");
                }
            }
        }
        finally
        {
            stop.Cancel();
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task StreamAsync(Dictionary<(string, string), TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await target.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new OmsException("CheckpointMissing", OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' has no incremental checkpoint on the target. Start it with Start-OmsForward, which records one.");
        _log($"reading the binlog from {checkpoint.Position}");
        var options = ReplicaOptions();
        // DDL is tracked (and, with DDL synchronization, applied) on MySQL-family targets; elsewhere it pauses the task.
        var mySqlTarget = (_target as MySqlTargetApplier)?.Endpoint;
        var ddl = mySqlTarget is null ? null : new DdlApplier(_task, _direction, _history, _ddlLog, _source, mySqlTarget, _runtime, _conflicts,
            token => BinlogServerInfo.GetCurrentPositionAsync(ReplicaOptions(), token), _log);
        // With DDL synchronization the task's tables at the checkpoint are those the schema history says, not the source's present ones.
        if (ddl is not null && _direction == Direction.Forward && _task.IncrementalDdl) tables = ddl.TablesAt(checkpoint.Position, tables);
        var tracker = mySqlTarget is null ? null : NewTracker(tables.Values, mySqlTarget);
        var reader = new BinlogTransactionReader(options,
            new VersionedSchemaProvider(_history, _task.Name, _direction, new InformationSchemaProvider(options), tracker is null ? null : tracker.OnDdlAsync),
            (database, table) => (tracker is null ? tables.ContainsKey((database, table)) : tracker.Includes(database, table))
                || LoopFilter.IsMarkerTable(database, table) || SourceHeartbeat.IsHeartbeatTable(database, table),
            new TransactionSpillOptions(_spillDirectory, _task.IncrementalMemoryLimit));
        var queue = Channel.CreateBounded<BinlogTransaction>(new BoundedChannelOptions(2_000) { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var transaction in reader.ReadAsync(BinlogStartPosition.FromCheckpoint(checkpoint.Position), failed.Token).ConfigureAwait(false))
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
            // Row filters are evaluated by the source, on a connection of their own.
            await using var filterSource = tables.Values.Any(t => t.Mapping.RowFilter is not null) || _task.IncrementalDdl && _task.RowFilters.Count > 0
                ? await _source.OpenAsync(failed.Token).ConfigureAwait(false) : null;
            await using var lanes = await target.OpenLanesAsync(_task.WriteConcurrency, checkpoint.Position, failed.Token).ConfigureAwait(false);
            await ApplyLoopAsync(target, lanes, filterSource, tables, ddl, checkpoint, queue.Reader, failed.Token).ConfigureAwait(false);
        }
        // The reader's failure arrives wrapped (ReadAsync) or as it was thrown (WaitToReadAsync).
        catch (Exception e) when (!ReferenceEquals(Translate(e), e))
        {
            throw Translate(e);
        }
        finally
        {
            failed.Cancel();
            await reading.ConfigureAwait(false);
            while (queue.Reader.TryRead(out var unread)) unread.Dispose();
        }
    }

    private DdlTracker NewTracker(IEnumerable<TaskTable> tables, MySqlEndpoint target)
    {
        var rules = new TaskRules(_task);
        var planner = new DdlPlanner(rules, _task.IncrementalDdl, _task.OnlineDdlTool, _direction == Direction.Reverse);
        // Shapes are worked out on the forward direction's target, where OmsSync keeps its own database already.
        var scratch = new SchemaScratch(_direction == Direction.Forward ? target : _source, _task.OmsKey, _direction);
        return new DdlTracker(_task.Name, _direction, planner, rules, _task.IncrementalDdl && _direction == Direction.Forward, _history, scratch, _source, tables, _log);
    }

    private async Task ApplyLoopAsync(ITargetSession target, ApplyLanes? lanes, MySqlConnection? filterSource, Dictionary<(string, string), TaskTable> tables,
        DdlApplier? ddl, Checkpoint checkpoint, ChannelReader<BinlogTransaction> queue, CancellationToken cancellationToken)
    {
        var connection = (target as MySqlTargetApplier.Session)?.Connection;
        if (ddl is not null) await ddl.LoadAsync(connection!, cancellationToken).ConfigureAwait(false);
        var plans = new Dictionary<(string, string), TableApplyPlan>();
        var rules = new ConflictRuleWatch(_tasks, _task);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.FromSeconds(-1); // the first batch reports at once
        var lastCheckpointWrite = TimeSpan.Zero;
        long rowsAtReport = 0, transactionsAtReport = 0;
        DateTimeOffset? lastCommit = checkpoint.SourceCommit;
        var commitClock = new CommitClock(_task.OmsKey);
        TableApplyPlan? PlanOf(BinlogRowChange row)
        {
            if (!tables.TryGetValue((row.Database, row.Table), out var table)) return null;
            if (!plans.TryGetValue((row.Database, row.Table), out var plan))
                plans[(row.Database, row.Table)] = plan = new TableApplyPlan(table, row.ColumnNames) { Rule = rules.For(_direction, table.Mapping) };
            return plan;
        }

        // Where the time goes, logged every half minute: waiting for the source, or applying to the target.
        var waiting = new Stopwatch();
        var applying = new Stopwatch();
        long batches = 0, spread = 0, unspread = 0;
        var lastStats = TimeSpan.Zero;
        while (true)
        {
            waiting.Start();
            var more = await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
            waiting.Stop();
            if (!more) break;
            using var batch = new TransactionBatch();
            var rows = 0;
            // A DDL is a batch of its own: the rows before it are applied and checkpointed first. A batch never
            // straddles the end of the catch-up window either: what the copy may already hold is written
            // idempotently, everything after it strictly, transaction by transaction.
            while (batch.Count < MaxTransactionsPerBatch && rows < MaxRowsPerBatch && queue.TryPeek(out var next))
            {
                var isDdl = next.ContainsDdl;
                if (isDdl && batch.Count > 0) break;
                if (batch.Count > 0 && InCatchUp(checkpoint, batch[0]) != InCatchUp(checkpoint, next)) break;
                queue.TryRead(out _);
                batch.Add(next);
                rows += next.Changes.Count;
                if (isDdl) break;
            }
            var counted = new List<BinlogTransaction>();
            BinlogTransaction? pausing = null;
            if (rules.Changed(clock.Elapsed))
                foreach (var plan in plans.Values)
                    plan.Rule = rules.For(_direction, plan.Table.Mapping);
            // A DDL goes first, so the rows its transaction carries (CREATE TABLE ... SELECT) and all after it meet the tables it leaves.
            DdlResult? ddlDone = null;
            if (ddl is not null && batch is [var ddlTransaction] && ddlTransaction.ContainsDdl && !(_startTimestamp is { } ddlFrom && ddlTransaction.CommitTime < ddlFrom))
            {
                ddlDone = await ddl.ApplyAsync(connection!, ddlTransaction, tables, cancellationToken).ConfigureAwait(false);
                if (ddlDone?.Tables is { } after)
                {
                    tables = after;
                    plans.Clear();
                }
            }
            foreach (var transaction in batch)
            {
                if (transaction.IsHeartbeat) continue;
                lastCommit = commitClock.CommitTimeOf(transaction);
                if (_startTimestamp is { } from && transaction.CommitTime < from) continue;
                // Written by the other direction: dropped whole, and it does not count as a transaction of ours.
                if (LoopFilter.AppliedByOtherDirection(transaction, _task.OmsKey, _direction)) continue;
                if (ddl is null && transaction.ContainsDdl && transaction.Changes.OfType<BinlogDdlChange>().Any(d => DdlTouches(d, tables))) pausing = transaction;
                if (transaction.SpilledChanges > 0)
                    _log($"applying {transaction.Gtid ?? transaction.EndPosition.ToString()}: {transaction.Changes.Count:N0} changes, {transaction.SpilledChanges:N0} of them spilled to disk, in one target transaction");
                counted.Add(transaction);
            }
            var last = batch[^1];
            if (pausing is not null)
            {
                var statement = ((BinlogDdlChange)pausing.Changes.First(c => c is BinlogDdlChange)).Statement;
                // Rows before the DDL are in (the DDL ends its batch); stop at the DDL's start so it is met again on resume.
                throw new TaskPausedException("DdlPaused", _task.Name,
                    $"A DDL on a synchronized table was read at {pausing.StartPosition} and DDL synchronization is off, so the task is paused: {statement} " +
                    "Apply the same change to the target, then resume (Resume-OmsTask), or skip it.");
            }
            var idempotent = InCatchUp(checkpoint, last);
            var now = clock.Elapsed;
            // Transactions of other tables move the checkpoint too, but need no target write of their own each:
            // every few seconds under load, within a second once caught up.
            var caughtUp = queue.Count == 0 && now - lastCheckpointWrite > TimeSpan.FromSeconds(1);
            // The batch is one target transaction however large its source transactions: their changes stream in
            // bounded chunks, and the checkpoint commits with them, so a crash never leaves part of one applied.
            applying.Start();
            batches++;
            IEnumerable<(TableApplyPlan, BinlogRowChange)> changes = ApplyChunks.RowChanges(counted, PlanOf, lanes is null ? null : lanes.AlreadyApplied);
            // Changes of a table that joined with a copy of its rows, in transactions the copy may already hold: written idempotently, first.
            var copied = new List<(TableApplyPlan, BinlogRowChange)>();
            if (ddl is { HasCatchUp: true })
            {
                var strict = new List<(TableApplyPlan, BinlogRowChange)>();
                foreach (var transaction in counted)
                    foreach (var change in ApplyChunks.RowChanges([transaction], PlanOf, lanes is null ? null : lanes.AlreadyApplied))
                        (ddl.InCatchUp(change.Plan.Table, transaction.EndPosition) ? copied : strict).Add(change);
                changes = strict;
                if (filterSource is not null && copied.Count > 0)
                    copied = await RowFilterEvaluator.FilterAsync(filterSource, copied, cancellationToken).ConfigureAwait(false);
            }
            var rowFilter = filterSource;
            var applied = false;
            // A batch held in memory may spread over parallel lanes; catch-up, DDL and spilled transactions go through one.
            if (lanes is { Count: > 1 } && !idempotent && copied.Count == 0 && ddlDone is null && counted.All(t => t.SpilledChanges == 0))
            {
                var all = new List<(TableApplyPlan, BinlogRowChange)>();
                await foreach (var chunk in ApplyChunks.ReadAsync(changes, rowFilter, cancellationToken).ConfigureAwait(false))
                    all.AddRange(chunk);
                (changes, rowFilter) = (all, null); // filtered already
                var position = last.EndPosition;
                var commit = lastCommit;
                applied = lanes.Split(all) is { } split && await lanes.ApplyAsync(split, _task.OmsKey, _direction, position,
                    (connection, write) => CheckpointStore.WriteAsync(connection, write, _task.OmsKey, _direction, position, commit, counted.Count, cancellationToken),
                    _conflicts.Record, cancellationToken).ConfigureAwait(false);
                if (!applied) unspread++;
                if (applied)
                {
                    spread++;
                    _rowsApplied += all.Count;
                    lastCheckpointWrite = now;
                }
            }
            if (!applied)
                await ApplyInOneLaneAsync(target, copied, changes, rowFilter, idempotent, counted.Count, last.EndPosition, lastCommit,
                    ddlDone is not null || counted.Count > 0 && (caughtUp || now - lastCheckpointWrite > IdleCheckpointInterval),
                    ddlDone is null ? null : write => ddl!.CompleteAsync(((MySqlTargetApplier.Write)write).Connection, ((MySqlTargetApplier.Write)write).Transaction, ddlDone, cancellationToken),
                    () => lastCheckpointWrite = now, cancellationToken).ConfigureAwait(false);
            _transactionsApplied += counted.Count;
            applying.Stop();
            // Every half minute under load, and once a backlog is caught up.
            if (now - lastStats >= TimeSpan.FromSeconds(30) || queue.Count == 0 && now - lastStats >= TimeSpan.FromSeconds(5) && counted.Count > 0)
            {
                _log($"{_transactionsApplied:N0} transactions, {_rowsApplied:N0} rows applied in {batches:N0} batches ({spread:N0} over {lanes?.Count ?? 1} lanes, {unspread:N0} could not spread, {lanes?.LockWaits ?? 0:N0} of those on lock waits); " +
                     $"{NetChangeWriter.Counts.Written:N0} chunks written by their net effect, {NetChangeWriter.Counts.Declined:N0} change by change after a failed check; " +
                     $"{waiting.Elapsed.TotalSeconds:0.0} s waiting for the source, {applying.Elapsed.TotalSeconds:0.0} s applying");
                lastStats = now;
            }

            if (now - lastReport >= TimeSpan.FromSeconds(1))
            {
                var seconds = (now - lastReport).TotalSeconds;
                var lag = lastCommit is null ? (long?)null
                    : queue.Count == 0 && last.IsHeartbeat ? 0 : Math.Max(0, (long)(DateTimeOffset.UtcNow - lastCommit.Value).TotalMilliseconds);
                _runtime.Beat(_task.Name, _direction, position: last.EndPosition.ToString(), lagMs: lag,
                    rowsApplied: _rowsApplied, rowsPerSecond: Math.Round((_rowsApplied - rowsAtReport) / seconds, 1),
                    txnPerSecond: Math.Round((_transactionsApplied - transactionsAtReport) / seconds, 1));
                rowsAtReport = _rowsApplied;
                transactionsAtReport = _transactionsApplied;
                lastReport = now;
            }
            if (ddlDone?.Reload == true) throw new TablesChangedException();
        }
    }

    /// <summary>
    /// Applies a batch in one target transaction on the runner's own connection, streaming its changes in
    /// bounded chunks, with the checkpoint in the same transaction; a batch without rows writes the
    /// checkpoint only when <paramref name="checkpointAnyway"/>.
    /// </summary>
    private async Task ApplyInOneLaneAsync(ITargetSession target, IReadOnlyList<(TableApplyPlan, BinlogRowChange)> copied, IEnumerable<(TableApplyPlan, BinlogRowChange)> changes,
        MySqlConnection? filterSource, bool idempotent, int transactions, BinlogPosition end, DateTimeOffset? lastCommit, bool checkpointAnyway,
        Func<ITargetWrite, Task>? beforeCommit, Action written, CancellationToken cancellationToken)
    {
        var conflicts = new List<ConflictRecord>();
        ITargetWrite? write = null;
        try
        {
            if (copied.Count > 0)
            {
                write = await target.BeginAsync(cancellationToken).ConfigureAwait(false);
                _rowsApplied += await write.ApplyAsync(copied, idempotent: true, conflicts, cancellationToken).ConfigureAwait(false);
            }
            await foreach (var chunk in ApplyChunks.ReadAsync(changes, filterSource, cancellationToken).ConfigureAwait(false))
            {
                write ??= await target.BeginAsync(cancellationToken).ConfigureAwait(false);
                _rowsApplied += await write.ApplyAsync(chunk, idempotent, conflicts, cancellationToken).ConfigureAwait(false);
            }
            if (write is null && checkpointAnyway)
                write = await target.BeginAsync(cancellationToken).ConfigureAwait(false);
            if (write is null) return;
            if (beforeCommit is not null) await beforeCommit(write).ConfigureAwait(false);
            await write.CommitAsync(end, lastCommit, transactions, cancellationToken).ConfigureAwait(false);
            _conflicts.Record(conflicts);
            written();
        }
        finally
        {
            if (write is not null) await write.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>True for a transaction the full copy may already hold: it ends at or before where the copy ended.</summary>
    private static bool InCatchUp(Checkpoint checkpoint, BinlogTransaction transaction) =>
        checkpoint.CatchUpUntil is { } until && CheckpointPosition.Compare(transaction.EndPosition, until) <= 0;

    /// <summary>True when a DDL statement names one of the task's source tables.</summary>
    private static bool DdlTouches(BinlogDdlChange ddl, IReadOnlyDictionary<(string, string), TaskTable> tables)
    {
        var tokens = Schema.MySqlTokenizer.Tokenize(ddl.Statement).Where(t => !t.IsTrivia).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].IsIdentifier) continue;
            var name = tokens[i].IdentifierValue;
            var qualified = i + 2 < tokens.Count && tokens[i + 1].IsSymbol(".") && tokens[i + 2].IsIdentifier;
            var (db, table) = qualified ? (name, tokens[i + 2].IdentifierValue) : (ddl.Database, name);
            if (tables.ContainsKey((db, table))) return true;
        }
        return false;
    }

    private BinlogConnectionOptions ReplicaOptions() => BinlogConnectionOptions.ForTask(_source.Source, _sourcePassword, $"{_task.Name}/{_direction}");

    private static bool IsTransient(Exception e) => e switch
    {
        BinlogServerException b => !b.IsBinlogUnavailable && b.ErrorNumber != BinlogServerException.AccessDenied,
        // A lock wait or deadlock on the target (another session held the rows) is retried from the checkpoint.
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted
            or MySqlErrorCode.ConnectionCountError or MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.LockDeadlock
            || m.InnerException is IOException or System.Net.Sockets.SocketException,
        OmsException o => o.ErrorId == "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    private Exception Translate(Exception e) => e switch
    {
        ChannelClosedException { InnerException: { } inner } => Translate(inner),
        BinlogServerException b when b.IsBinlogUnavailable => new OmsException("BinlogPurged", OmsErrorKind.InvalidState, _task.Name,
            $"The source no longer has the binlog the task's checkpoint points to ({b.ServerMessage}). Changes since then are lost to this task: " +
            "run a new full migration (Remove-OmsTask, then New-OmsTask with Full), and keep binlogs longer (expire_logs_days / binlog_expire_logs_seconds).", e),
        _ => e,
    };
}
