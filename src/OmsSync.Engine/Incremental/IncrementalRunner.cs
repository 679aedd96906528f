using System.Threading.Channels;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
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
    private readonly ConflictLog _conflicts;
    private readonly SchemaHistory _history;
    private readonly Action<string> _log;

    public IncrementalRunner(MySqlEndpoint source, string sourcePassword, MySqlEndpoint target, MigrationTask task, Direction direction,
        StateStore store, Action<string> log)
        : this(source, sourcePassword, new MySqlTargetApplier(target, task.Name, direction, ConflictPolicy.Ignore), task, direction, store, log)
    {
    }

    /// <param name="target">The target's side: a MySQL-family server or PostgreSQL.</param>
    internal IncrementalRunner(MySqlEndpoint source, string sourcePassword, ITargetApplier target, MigrationTask task, Direction direction,
        StateStore store, Action<string> log)
    {
        _runtime = new RuntimeStore(store);
        _conflicts = new ConflictLog(store);
        _history = new SchemaHistory(store);
        _source = source;
        _sourcePassword = sourcePassword;
        _target = target;
        _task = task;
        _direction = direction;
        _log = log;
    }

    /// <summary>
    /// Records where incremental reading starts, unless a checkpoint exists: call before the full copy begins.
    /// The tables' schemas are recorded as in force from that position on.
    /// </summary>
    public async Task EnsureStartAsync(TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await target.EnsureControlSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (await target.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        var start = await BinlogServerInfo.GetCurrentPositionAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
        if (_task.StartTimestamp is not null && !_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            // A timestamp start reads from the oldest binlog the source keeps and skips what committed before it.
            var files = await BinlogServerInfo.ListFilesAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
            start = new BinlogPosition(files[0].Name, 4, null, start.Flavor);
        }
        foreach (var table in objects.Tables)
            _history.Record(_task.Name, _direction, table.Schema, CheckpointPosition.FileSequence(start.File), start.Position);
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

    public async Task RunAsync(TaskObjects objects, CancellationToken cancellationToken)
    {
        var tables = objects.Tables.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = SourceHeartbeat.RunAsync(_source, _task.Name, TimeSpan.FromSeconds(3), _log, stop.Token);
        try
        {
            await Reconnecting.RunAsync(token => StreamAsync(tables, token), IsTransient, _runtime, _task.Name, _direction, _log, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task StreamAsync(IReadOnlyDictionary<(string, string), TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await target.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new OmsException("CheckpointMissing", OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' has no incremental checkpoint on the target. Start it with Start-OmsForward, which records one.");
        _log($"reading the binlog from {checkpoint.Position}");
        var options = ReplicaOptions();
        var reader = new BinlogTransactionReader(options, new VersionedSchemaProvider(_history, _task.Name, _direction, new InformationSchemaProvider(options)),
            (database, table) => tables.ContainsKey((database, table)));
        var queue = Channel.CreateBounded<BinlogTransaction>(new BoundedChannelOptions(2_000) { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var transaction in reader.ReadAsync(BinlogStartPosition.FromCheckpoint(checkpoint.Position), failed.Token).ConfigureAwait(false))
                    await queue.Writer.WriteAsync(transaction, failed.Token).ConfigureAwait(false);
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
            await using var filterSource = tables.Values.Any(t => t.Mapping.RowFilter is not null)
                ? await _source.OpenAsync(failed.Token).ConfigureAwait(false) : null;
            await ApplyLoopAsync(target, filterSource, tables, checkpoint, queue.Reader, failed.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            throw Translate(e.InnerException);
        }
        finally
        {
            failed.Cancel();
            await reading.ConfigureAwait(false);
        }
    }

    private async Task ApplyLoopAsync(ITargetSession target, MySqlConnection? filterSource, IReadOnlyDictionary<(string, string), TaskTable> tables, Checkpoint checkpoint,
        ChannelReader<BinlogTransaction> queue, CancellationToken cancellationToken)
    {
        var plans = new Dictionary<(string, string), TableApplyPlan>();
        var progress = new StreamProgress(_runtime, _task.Name, _direction, checkpoint.SourceCommit);
        var lastCheckpointWrite = TimeSpan.Zero;

        while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var batch = new List<BinlogTransaction>();
            var rows = 0;
            // A DDL is a batch of its own: the rows before it are applied and checkpointed first. A batch never
            // straddles the end of the catch-up window either: what the copy may already hold is written
            // idempotently, everything after it strictly, transaction by transaction.
            while (batch.Count < MaxTransactionsPerBatch && rows < MaxRowsPerBatch && queue.TryPeek(out var next))
            {
                var isDdl = next.Changes.Any(c => c is BinlogDdlChange);
                if (isDdl && batch.Count > 0) break;
                if (batch.Count > 0 && InCatchUp(checkpoint, batch[0]) != InCatchUp(checkpoint, next)) break;
                queue.TryRead(out _);
                batch.Add(next);
                rows += next.Changes.Count;
                if (isDdl) break;
            }
            var changes = new List<(TableApplyPlan, BinlogRowChange)>();
            BinlogTransaction? ddl = null;
            var meaningful = 0;
            foreach (var transaction in batch)
            {
                if (transaction.IsHeartbeat) continue;
                if (_task.StartTimestamp is { } from && transaction.CommitTime < from) continue;
                foreach (var change in transaction.Changes)
                {
                    if (change is BinlogRowChange row && tables.TryGetValue((row.Database, row.Table), out var table))
                    {
                        if (!plans.TryGetValue((row.Database, row.Table), out var plan))
                            plans[(row.Database, row.Table)] = plan = new TableApplyPlan(table, row.ColumnNames);
                        changes.Add((plan, row));
                    }
                    else if (change is BinlogDdlChange d && DdlTouches(d, tables))
                    {
                        ddl = transaction;
                    }
                }
                meaningful++;
            }
            var last = batch[^1];
            if (ddl is not null)
            {
                var statement = ((BinlogDdlChange)ddl.Changes.First(c => c is BinlogDdlChange)).Statement;
                // Rows before the DDL are in (the DDL ends its batch); stop at the DDL's start so it is met again on resume.
                throw new TaskPausedException("DdlPaused", _task.Name,
                    $"A DDL on a synchronized table was read at {ddl.StartPosition} and DDL synchronization is off, so the task is paused: {statement} " +
                    "Apply the same change to the target, then resume (Resume-OmsTask), or skip it.");
            }
            if (filterSource is not null)
                changes = await RowFilterEvaluator.FilterAsync(filterSource, changes, cancellationToken).ConfigureAwait(false);
            var idempotent = InCatchUp(checkpoint, last);
            var now = progress.Elapsed;
            // Transactions of other tables move the checkpoint too, but need no target write of their own each:
            // every few seconds under load, within a second once caught up.
            var caughtUp = queue.Count == 0 && now - lastCheckpointWrite > TimeSpan.FromSeconds(1);
            if (changes.Count > 0 || meaningful > 0 && (caughtUp || now - lastCheckpointWrite > IdleCheckpointInterval))
            {
                var conflicts = new List<ConflictRecord>();
                var committed = batch.LastOrDefault(t => !t.IsHeartbeat)?.CommitTime;
                await target.ApplyAsync(changes, idempotent, last.EndPosition, committed, meaningful, conflicts, cancellationToken).ConfigureAwait(false);
                _conflicts.Record(conflicts);
                lastCheckpointWrite = now;
            }
            progress.Applied(changes.Count, meaningful, batch.LastOrDefault(t => !t.IsHeartbeat)?.CommitTime);
            progress.Report(last.EndPosition.ToString(), idle: queue.Count == 0 && last.IsHeartbeat);
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

    private BinlogConnectionOptions ReplicaOptions() => new()
    {
        Host = _source.Source.Server,
        Port = _source.Source.Port,
        User = _source.Source.User,
        Password = _sourcePassword,
        ServerId = ReplicaServerId(),
        HeartbeatInterval = TimeSpan.FromSeconds(2),
    };

    private uint ReplicaServerId()
    {
        // Stable per task and direction, away from small ids that real servers use.
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{_task.Name}/{_direction}"));
        return 100_000_000u + BitConverter.ToUInt32(hash, 0) % 3_000_000_000u;
    }

    private static bool IsTransient(Exception e) => e switch
    {
        BinlogServerException b => !b.IsBinlogUnavailable && b.ErrorNumber != BinlogServerException.AccessDenied,
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted
            or MySqlErrorCode.ConnectionCountError || m.InnerException is IOException or System.Net.Sockets.SocketException,
        Npgsql.NpgsqlException n => n.IsTransient,
        OmsException o => o.ErrorId == "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    private Exception Translate(Exception e) => e switch
    {
        BinlogServerException b when b.IsBinlogUnavailable => new OmsException("BinlogPurged", OmsErrorKind.InvalidState, _task.Name,
            $"The source no longer has the binlog the task's checkpoint points to ({b.ServerMessage}). Changes since then are lost to this task: " +
            "run a new full migration (Remove-OmsTask, then New-OmsTask with Full), and keep binlogs longer (expire_logs_days / binlog_expire_logs_seconds).", e),
        _ => e,
    };
}
