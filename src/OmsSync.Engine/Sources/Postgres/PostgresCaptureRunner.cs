using System.Threading.Channels;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Schema.Postgres;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.Sources.MySql.Values;
using OmsSync.Engine.State;
using OmsSync.Engine.Targets.MySql;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// The incremental phase from PostgreSQL into a MySQL-family target, through logical replication: a publication and
/// a replication slot of the task's own, read with pgoutput from the checkpoint the target holds. Whole source
/// transactions are applied in commit order, several per target transaction, which also writes the checkpoint (the
/// end LSN of the last one); only after that commit is the slot told it may let the WAL go. So after any crash the
/// target says exactly which transactions are in, and the slot still holds everything after them. A source
/// transaction larger than the task's memory bound arrives in pieces, written one by one into a target transaction
/// that stays open until its last piece commits it with the checkpoint; at most two pieces wait in memory.
/// </summary>
internal sealed class PostgresCaptureRunner
{
    private const int MaxTransactionsPerBatch = 500;
    private const int MaxRowsPerBatch = 5_000;
    private static readonly TimeSpan IdleCheckpointInterval = TimeSpan.FromSeconds(5);

    private readonly PostgresEndpoint _source;
    private readonly MySqlEndpoint _target;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly RuntimeStore _runtime;
    private readonly ConflictLog _conflicts;
    private readonly Action<string> _log;
    private readonly IReadOnlyList<TaskTable> _tables;
    private readonly IReadOnlyList<TaskTable> _shaped;
    private readonly string _name;

    /// <param name="tables">The task's tables as they are on PostgreSQL.</param>
    /// <param name="shaped">The same tables as they are on the MySQL target (<see cref="MySqlShapes"/>).</param>
    public PostgresCaptureRunner(PostgresEndpoint source, MySqlEndpoint target, MigrationTask task, Direction direction, StateStore store, Action<string> log,
        IReadOnlyList<TaskTable> tables, IReadOnlyList<TaskTable> shaped)
    {
        _source = source;
        _target = target;
        _task = task;
        _direction = direction;
        _runtime = new RuntimeStore(store);
        _conflicts = new ConflictLog(store);
        _log = log;
        _tables = tables;
        _shaped = shaped;
        _name = ReplicationObjects.Name(task, direction);
    }

    /// <summary>
    /// Creates the task's publication and replication slot and records the slot's consistent point as where reading
    /// starts, unless a checkpoint exists: call before the full copy begins, so no change made during it is lost.
    /// </summary>
    public async Task EnsureStartAsync(CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await OmsControlSchema.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        if (await CheckpointStore.ReadStoredAsync(target, _task.OmsKey, _direction, cancellationToken).ConfigureAwait(false) is not null) return;
        if (_task.StartTimestamp is not null)
            _log("-StartTimestamp does not apply to a PostgreSQL source: reading starts where the replication slot is created");
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var published = _tables.Select(t => PostgresSyntax.QuoteQualified(t.Mapping.SourceDatabase, t.Mapping.SourceTable)).ToList();
        if (_task.Topology == Topology.Bidirectional)
        {
            // The other direction's checkpoint writes mark the transactions it applied here: they must be seen to be dropped.
            await Targets.Postgres.PostgresControlSchema.EnsureAsync(source, cancellationToken).ConfigureAwait(false);
            published.Add(PostgresSyntax.QuoteQualified(Targets.Postgres.PostgresControlSchema.Schema, "checkpoints"));
        }
        var tables = string.Join(", ", published);
        var publication = PostgresSyntax.QuoteIdentifier(_name);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_publication WHERE pubname = $1", source))
        {
            exists.Parameters.AddWithValue(_name);
            // A partitioned table's changes are published under its own name, not its partitions' (PostgreSQL 13+).
            var sql = await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null
                ? $"CREATE PUBLICATION {publication} FOR TABLE {tables}" + (source.PostgreSqlVersion.Major >= 13 ? " WITH (publish_via_partition_root = true)" : "")
                : $"ALTER PUBLICATION {publication} SET TABLE {tables}";
            await using var create = new NpgsqlCommand(sql, source);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        // A slot left by a start that crashed before its checkpoint was written still holds everything since it was made.
        await using var slot = new NpgsqlCommand(
            "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1 UNION ALL " +
            "SELECT lsn FROM pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)", source);
        slot.Parameters.AddWithValue(_name);
        var start = (NpgsqlLogSequenceNumber)(await slot.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await CheckpointStore.WriteAsync(target, null, _task.OmsKey, _direction, LsnPosition.Serialize(start), null, 0, cancellationToken).ConfigureAwait(false);
        _log($"incremental start recorded at {start} (replication slot and publication {_name})");
    }

    /// <summary>Whether the target holds this direction's checkpoint (its start has been recorded).</summary>
    public async Task<bool> HasCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await OmsControlSchema.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        return await CheckpointStore.ReadStoredAsync(target, _task.OmsKey, _direction, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>After the full copy: changes committed up to the source's present WAL position are replayed idempotently.</summary>
    public async Task MarkFullCopyEndAsync(CancellationToken cancellationToken)
    {
        NpgsqlLogSequenceNumber end;
        await using (var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false))
        // The insert position, not the write position: with synchronous_commit off a committed (visible) transaction's
        // commit record may not be written yet, and it must still count as one the copy may hold.
        await using (var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", source))
            end = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await CheckpointStore.SetCatchUpAsync(target, _task.OmsKey, _direction, LsnPosition.Serialize(end), cancellationToken).ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = PostgresHeartbeat.RunAsync(_source, _task.OmsKey, TimeSpan.FromSeconds(3), _log, stop.Token);
        try
        {
            await Reconnecting.RunAsync(StreamAsync, IsTransient, _runtime, _task.Name, _direction, _log, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task StreamAsync(CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await CheckpointStore.ReadStoredAsync(target, _task.OmsKey, _direction, cancellationToken).ConfigureAwait(false)
            ?? throw new OmsException("CheckpointMissing", OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' has no incremental checkpoint on the target. Start it with Start-OmsForward, which records one.");
        var start = LsnPosition.Parse(checkpoint.Position);
        var catchUp = checkpoint.CatchUpUntil is null ? (NpgsqlLogSequenceNumber?)null : LsnPosition.Parse(checkpoint.CatchUpUntil);
        _log($"reading replication slot {_name} from {start}");

        await using var replication = await _source.OpenReplicationAsync(cancellationToken).ConfigureAwait(false);
        var filtered = _shaped.Any(t => t.Mapping.RowFilter is not null);
        if (filtered)
            await EnsureWholeBeforeImagesAsync(cancellationToken).ConfigureAwait(false);
        var reader = new PgOutputReader(replication, _name, _name, messages: replication.PostgreSqlVersion.Major >= 14, Converters(), keepText: filtered,
            PieceRows(_task.IncrementalMemoryLimit));
        // Row filters are evaluated by the source, on a connection of their own.
        await using var filterSource = filtered ? await _source.OpenAsync(cancellationToken).ConfigureAwait(false) : null;
        var queue = Channel.CreateBounded<LogicalTransaction>(new BoundedChannelOptions(2_000) { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var piecesInFlight = new SemaphoreSlim(MaxPiecesInFlight);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var transaction in reader.ReadAsync(start, failed.Token).ConfigureAwait(false))
                {
                    if (transaction.Continues) await piecesInFlight.WaitAsync(failed.Token).ConfigureAwait(false);
                    await queue.Writer.WriteAsync(transaction, failed.Token).ConfigureAwait(false);
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
            await ApplyLoopAsync(target, filterSource, reader, catchUp, checkpoint.SourceCommit, queue.Reader, piecesInFlight, failed.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            throw Translate(e.InnerException);
        }
        finally
        {
            failed.Cancel();
            try { await reading.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>A row filter can only be applied to updates and deletes whose before-images are whole (REPLICA IDENTITY FULL).</summary>
    private async Task EnsureWholeBeforeImagesAsync(CancellationToken cancellationToken)
    {
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in _tables.Where(t => t.Mapping.RowFilter is not null))
        {
            var quoted = PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable);
            await using var command = new NpgsqlCommand("SELECT relreplident::text FROM pg_class WHERE oid = $1::regclass", source);
            command.Parameters.AddWithValue(quoted);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not "f")
                throw new OmsException("ReplicaIdentityNotFull", OmsErrorKind.InvalidState, table.Mapping.Source,
                    $"Table '{table.Mapping.Source}' has a row filter, and whether an update or delete crosses it can only be told from whole before-images. " +
                    $"Run ALTER TABLE {quoted} REPLICA IDENTITY FULL, then resume the task.");
        }
    }

    /// <summary>Per source table, the converter of each column from pgoutput text to the value the MySQL applier writes.</summary>
    private Dictionary<(string, string), Func<string, Func<string, object>?>> Converters()
    {
        var shapes = _shaped.ToDictionary(t => t.Mapping.Source, t => t.Schema, StringComparer.Ordinal);
        return _tables.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable), t => (Func<string, Func<string, object>?>)(column =>
        {
            var pg = t.Schema.Columns.FirstOrDefault(c => c.Name == column);
            var mysql = shapes[t.Mapping.Source].Columns.FirstOrDefault(c => c.Name == column);
            return pg is null || mysql is null ? null : ChangeValues.For(t.Mapping.Source, pg, mysql);
        }));
    }

    private async Task ApplyLoopAsync(MySqlConnection target, NpgsqlConnection? filterSource, PgOutputReader reader, NpgsqlLogSequenceNumber? catchUp, DateTimeOffset? lastCommit,
        ChannelReader<LogicalTransaction> queue, SemaphoreSlim piecesInFlight, CancellationToken cancellationToken)
    {
        var tables = _shaped.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable));
        var plans = new ApplyPlans(tables, _task, _direction);
        var applier = new ChangeApplier(_task.Name, _direction);
        var progress = new StreamProgress(_runtime, _task.Name, _direction, lastCommit);
        var lastCheckpointWrite = TimeSpan.Zero;
        // While a source transaction comes in pieces, its target write stays open from batch to batch; and whether the
        // transaction is the other direction's (its marker comes first, so the first piece tells).
        PendingWrite? open = null;
        bool? piecedIsOther = null;
        try
        {
            while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var batch = new List<LogicalTransaction>();
                var rows = 0;
                // A batch never straddles the end of the catch-up window: what the copy may hold is written idempotently, the rest strictly.
                // A piece ends its batch, so the target transaction stays open exactly while a transaction is in pieces.
                while (batch.Count < MaxTransactionsPerBatch && rows < MaxRowsPerBatch && queue.TryPeek(out var next))
                {
                    if (batch.Count > 0 && InCatchUp(catchUp, batch[0]) != InCatchUp(catchUp, next)) break;
                    queue.TryRead(out _);
                    batch.Add(next);
                    rows += next.Changes.Count;
                    if (next.Continues) break;
                }
                var last = batch[^1];
                // Written by the other direction of a bidirectional task: dropped whole (the checkpoint still moves past it),
                // and not counted as a transaction of ours; nor is one that touched only `oms` (other tasks' checkpoints).
                var own = new List<LogicalTransaction>();
                var meaningful = 0;
                foreach (var transaction in batch)
                {
                    var pieced = piecedIsOther is not null;
                    var other = piecedIsOther == true || transaction.Changes.Any(c => LoopFilter.IsMarkerOfOtherDirection(c, _task.OmsKey, _direction));
                    piecedIsOther = transaction.Continues ? other : null;
                    if (transaction.IsHeartbeat || other) continue;
                    own.Add(transaction);
                    if (!transaction.Continues && (pieced || transaction.Changes.Any(c => tables.ContainsKey((c.Database, c is TruncateChange tc ? tc.Table : ((BinlogRowChange)c).Table)))))
                        meaningful++;
                }
                var now = progress.Elapsed;
                var caughtUp = queue.Count == 0 && now - lastCheckpointWrite > TimeSpan.FromSeconds(1);
                if (open is not null || rows > 0 || (meaningful > 0 || last.IsHeartbeat) && (caughtUp || now - lastCheckpointWrite > IdleCheckpointInterval))
                {
                    IReadOnlyList<BinlogChange> all = own.SelectMany(t => t.Changes).ToList();
                    if (filterSource is not null)
                        all = await PostgresRowFilter.FilterAsync(filterSource, own.SelectMany(t => t.Changes.Select((c, i) => (c, t.Images?[i]))).ToList(),
                            tables, cancellationToken).ConfigureAwait(false);
                    var write = open ??= new PendingWrite(await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
                    foreach (var (changes, truncate, idempotent) in Segments(all, plans, tables, InCatchUp(catchUp, last)))
                    {
                        if (truncate is not null)
                            await TruncateAsync(target, write.Transaction, truncate, cancellationToken).ConfigureAwait(false);
                        else
                            // In bounded chunks, as binlog changes are: a large transaction's statements are never built all at once.
                            foreach (var chunk in changes!.Chunk(ApplyChunks.ChunkRows))
                                await applier.ApplyAsync(target, write.Transaction, chunk, idempotent, write.Conflicts, cancellationToken).ConfigureAwait(false);
                    }
                    write.Transactions += meaningful;
                    write.LastCommit = batch.LastOrDefault(t => !t.IsHeartbeat && !t.Continues)?.CommitTime ?? write.LastCommit;
                    if (last.Continues)
                    {
                        piecesInFlight.Release();
                        progress.Applied(rows, 0, null);
                        continue;
                    }
                    await CheckpointStore.WriteAsync(target, write.Transaction, _task.OmsKey, _direction, LsnPosition.Serialize(last.End), write.LastCommit,
                        write.Transactions, cancellationToken).ConfigureAwait(false);
                    await write.Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    await write.Transaction.DisposeAsync().ConfigureAwait(false);
                    open = null;
                    _conflicts.Record(write.Conflicts);
                    meaningful = write.Transactions;
                    // Only now may the slot let go of the WAL up to here.
                    reader.Acknowledge(last.End);
                    lastCheckpointWrite = now;
                }
                progress.Applied(rows, meaningful, batch.LastOrDefault(t => !t.IsHeartbeat)?.CommitTime);
                progress.Report(last.End.ToString(), idle: queue.Count == 0 && last.IsHeartbeat);
            }
        }
        finally
        {
            // A failure inside a transaction in pieces: none of it stays (the restart reads it again from the checkpoint).
            if (open is not null) await open.Transaction.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A target transaction and what it holds until it commits: the source transactions it counts (in the checkpoint),
    /// the last source commit time, and the conflicts met, recorded only once it has committed.
    /// </summary>
    private sealed class PendingWrite(MySqlTransaction transaction)
    {
        public MySqlTransaction Transaction { get; } = transaction;
        public int Transactions { get; set; }
        public DateTimeOffset? LastCommit { get; set; }
        public List<ConflictRecord> Conflicts { get; } = [];
    }

    /// <summary>Rows a transaction may hold before it is handed on in pieces: about a quarter of the memory bound, at ~512 bytes a row.</summary>
    internal static int PieceRows(long memoryLimitBytes) => (int)Math.Clamp(memoryLimitBytes / 4 / 512, 100, 100_000);

    private const int MaxPiecesInFlight = 2;

    // By where the commit record starts, which every piece of a transaction knows: a commit under way when the
    // copy ended may be in the copy, so it counts as inside the window.
    private static bool InCatchUp(NpgsqlLogSequenceNumber? catchUp, LogicalTransaction transaction) =>
        catchUp is { } until && transaction.Commit.CompareTo(until) <= 0;

    /// <summary>
    /// The batch's changes in order, in runs to apply with one mode, and each TRUNCATE in its place. An update that
    /// leaves a TOASTed value unchanged (not sent) sets only the columns it has, always as a plain UPDATE: an
    /// idempotent REPLACE would lose the others.
    /// </summary>
    private static IEnumerable<(List<(TableApplyPlan, BinlogRowChange)>? Changes, TaskTable? Truncate, bool Idempotent)> Segments(
        IReadOnlyList<BinlogChange> changes, ApplyPlans plans, IReadOnlyDictionary<(string, string), TaskTable> tables, bool idempotent)
    {
        var run = new List<(TableApplyPlan, BinlogRowChange)>();
        var runIdempotent = idempotent;
        foreach (var change in changes)
        {
            if (change is TruncateChange truncate)
            {
                if (!tables.TryGetValue((truncate.Database, truncate.Table), out var table)) continue;
                if (run.Count > 0) yield return (run, null, runIdempotent);
                run = [];
                yield return (null, table, idempotent);
                continue;
            }
            if (change is not BinlogRowChange row || plans.For(row) is not { } plan) continue;
            var mode = idempotent && row.After?.Any(v => v is ColumnNotLogged) != true;
            if (run.Count > 0 && mode != runIdempotent)
            {
                yield return (run, null, runIdempotent);
                run = [];
            }
            runIdempotent = mode;
            run.Add((plan, row));
        }
        if (run.Count > 0) yield return (run, null, runIdempotent);
    }

    /// <summary>PostgreSQL's TRUNCATE reaches the target as a DELETE of every row, inside the batch's transaction.</summary>
    private static async Task TruncateAsync(MySqlConnection target, MySqlTransaction transaction, TaskTable table, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"DELETE FROM {MySqlSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable)}", target, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState == PostgresErrorCodes.ObjectInUse, // the slot is still held by a dead worker's sender
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException,
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted
            or MySqlErrorCode.ConnectionCountError || m.InnerException is IOException or System.Net.Sockets.SocketException,
        OmsException o => o.ErrorId == "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    private Exception Translate(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UndefinedObject } p => new OmsException("ReplicationSlotMissing", OmsErrorKind.InvalidState, _task.Name,
            $"The source no longer has the task's replication slot {_name} ({p.MessageText}). Changes since the checkpoint are lost to this task: " +
            "run a new full migration (Remove-OmsTask, then New-OmsTask with Full).", e),
        _ => e,
    };

    /// <summary>
    /// The apply plan of each change: by table, and for an update that lacks unchanged TOASTed values, a plan that sets
    /// only the columns it carries (the task's column selection narrowed to them).
    /// </summary>
    private sealed class ApplyPlans(IReadOnlyDictionary<(string, string), TaskTable> tables, MigrationTask task, Direction direction)
    {
        private readonly Dictionary<string, TableApplyPlan> _plans = new(StringComparer.Ordinal);

        public TableApplyPlan? For(BinlogRowChange change)
        {
            if (!tables.TryGetValue((change.Database, change.Table), out var table)) return null;
            var missing = change.After is null ? [] : change.ColumnNames.Where((_, i) => change.After[i] is ColumnNotLogged).Select(n => n!).ToList();
            var key = $"{change.Database}.{change.Table}|{string.Join(",", change.ColumnNames)}|{string.Join(",", missing)}";
            if (_plans.TryGetValue(key, out var plan)) return plan;
            if (missing.Count > 0)
            {
                var present = MovingColumnNames(table).Where(c => !missing.Contains(c)).ToList();
                table = table with { Mapping = table.Mapping with { Columns = present } };
            }
            var rule = ConflictRule.Resolve(task.ConflictRules, direction, new Rules.ObjectName(table.Mapping.SourceDatabase, table.Mapping.SourceTable),
                new Rules.ObjectName(table.Mapping.TargetDatabase, table.Mapping.TargetTable));
            // A before-image from PostgreSQL holds only the key unless the table has REPLICA IDENTITY FULL: too little to judge a stale row by.
            if (rule.ChecksBeforeImage)
                throw new OmsException("ConflictPolicyNotSupported", OmsErrorKind.NotSupported, table.Mapping.Source,
                    $"Table '{table.Mapping.Source}' has conflict policy {rule.Policy}{(rule.DetectStale ? " with stale-row detection" : "")}; " +
                    "changes read from PostgreSQL take Ignore and Overwrite. Change it with Set-OmsConflictPolicy.");
            return _plans[key] = new TableApplyPlan(table, change.ColumnNames) { Rule = rule };
        }

        private static IEnumerable<string> MovingColumnNames(TaskTable table) => FullLoad.MovingColumns.Of(table.Schema, table.Mapping).Select(c => c.Name);
    }
}
