using System.Threading.Channels;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Engine.Targets.MySql;

namespace OmsSync.Engine.FullLoad;

/// <summary>
/// Full migration between MySQL-family databases: tables are cut into key ranges, read by parallel
/// readers and loaded by parallel writers with LOAD DATA; each loaded chunk is marked done in the target's
/// `oms` database in the same transaction, so a killed worker resumes with the chunks that are not in.
/// </summary>
public sealed class FullLoadRunner
{
    private const long TargetChunkBytes = 8 << 20;
    private readonly MySqlEndpoint _source;
    private readonly MySqlEndpoint _target;
    private readonly MigrationTask _task;
    private readonly RuntimeStore _runtime;
    private readonly ConflictLog _conflicts;

    private readonly bool? _bulkLoad;

    /// <param name="bulkLoad">Null detects whether the target allows LOAD DATA LOCAL; false forces the INSERT path.</param>
    public FullLoadRunner(MySqlEndpoint source, MySqlEndpoint target, MigrationTask task, RuntimeStore runtime, ConflictLog conflicts, bool? bulkLoad = null)
    {
        _bulkLoad = bulkLoad;
        _source = source;
        _target = target;
        _task = task;
        _runtime = runtime;
        _conflicts = conflicts;
    }

    public async Task RunAsync(IReadOnlyList<(TableMapping Mapping, TableSchema Schema)> tables, CancellationToken cancellationToken)
    {
        var throttle = new Throttle(_task.RowsPerSecond, _task.BytesPerSecond);
        var progress = new FullLoadProgress(_task.Name, _runtime);
        var pending = new List<(TableCopyPlan Plan, Chunk Chunk)>();
        bool bulk;

        await using (var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await OmsControlSchema.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
            bulk = _bulkLoad ?? await LocalInfileAsync(target, cancellationToken).ConfigureAwait(false);
            var done = await DoneChunksAsync(target, cancellationToken).ConfigureAwait(false);
            foreach (var (mapping, schema) in tables)
            {
                var plan = new TableCopyPlan(mapping, schema, MovingColumns.Of(schema, mapping));
                var (rows, averageRow) = await TableStatisticsAsync(source, schema, cancellationToken).ConfigureAwait(false);
                plan.RowsEstimate = rows;
                plan.Chunks = await ChunksAsync(source, plan, averageRow, throttle, cancellationToken).ConfigureAwait(false);
                var doneHere = done.Where(d => d.Table == mapping.Source).ToList();
                if (doneHere.Count == 0 && _task.NonEmptyTarget == NonEmptyTargetAction.Stop)
                    await RefuseNonEmptyAsync(target, plan, cancellationToken).ConfigureAwait(false);
                var doneNumbers = doneHere.Select(d => d.Chunk).ToHashSet();
                progress.AddTable(plan, doneNumbers.Count, doneHere.Sum(d => d.Rows));
                pending.AddRange(plan.Chunks.Where(c => !doneNumbers.Contains(c.Number)).Select(c => (plan, c)));
            }
        }
        progress.Flush();

        using var flusher = new PeriodicTimer(TimeSpan.FromSeconds(1));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var flushing = FlushLoopAsync(flusher, progress, stop.Token);
        try
        {
            await CopyAsync(pending, throttle, progress, bulk, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            try { await flushing.ConfigureAwait(false); } catch (OperationCanceledException) { }
            progress.Flush();
        }
    }

    private async Task CopyAsync(List<(TableCopyPlan Plan, Chunk Chunk)> pending, Throttle throttle, FullLoadProgress progress, bool bulk,
        CancellationToken cancellationToken)
    {
        var work = Channel.CreateUnbounded<(TableCopyPlan, Chunk)>();
        foreach (var item in pending) work.Writer.TryWrite(item);
        work.Writer.Complete();
        var loaded = Channel.CreateBounded<(TableCopyPlan Plan, Chunk Chunk, LoadDataEncoder Data)>(Math.Max(2, _task.WriteConcurrency * 2));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failed.Token;
        var buffers = new System.Collections.Concurrent.ConcurrentBag<LoadDataEncoder>();

        var readers = Enumerable.Range(0, Math.Max(1, _task.ReadConcurrency)).Select(_ => Task.Run(async () =>
        {
            await using var source = await _source.OpenAsync(token).ConfigureAwait(false);
            while (work.Reader.TryRead(out var item))
            {
                var (plan, chunk) = item;
                // Buffers are reused: a chunk's buffer grows to tens of MB, too large to allocate per chunk.
                if (!buffers.TryTake(out var data)) data = new LoadDataEncoder();
                data.Reset();
                await ChunkReader.ReadAsync(source, plan, chunk, data, token).ConfigureAwait(false);
                await loaded.Writer.WriteAsync((plan, chunk, data), token).ConfigureAwait(false);
            }
        }, token)).ToList();

        var writer = new ChunkWriter(_task.Name, _task.NonEmptyTarget, bulk);
        var writers = Enumerable.Range(0, Math.Max(1, _task.WriteConcurrency)).Select(_ => Task.Run(async () =>
        {
            await using var target = await _target.OpenAsync(token).ConfigureAwait(false);
            await PrepareWriterSessionAsync(target, token).ConfigureAwait(false);
            MySqlConnection? lookup = _task.NonEmptyTarget == NonEmptyTargetAction.Ignore
                ? await _source.OpenAsync(token).ConfigureAwait(false) : null;
            try
            {
                await foreach (var (plan, chunk, data) in loaded.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    await throttle.WaitAsync(data.Rows, data.Length, token).ConfigureAwait(false);
                    var (rows, conflicts) = await writer.WriteAsync(target, lookup, plan, chunk, data, token).ConfigureAwait(false);
                    _conflicts.Record(conflicts);
                    progress.ChunkDone(plan, data.Rows);
                    buffers.Add(data);
                }
            }
            finally
            {
                if (lookup is not null) await lookup.DisposeAsync().ConfigureAwait(false);
            }
        }, token)).ToList();

        // The first failure stops the others; readers finishing closes the channel for the writers.
        var readersDone = Task.WhenAll(readers).ContinueWith(t => loaded.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);
        var all = readers.Concat(writers).ToList();
        while (all.Count > 0)
        {
            var finished = await Task.WhenAny(all).ConfigureAwait(false);
            all.Remove(finished);
            if (finished.IsFaulted || finished.IsCanceled) failed.Cancel();
        }
        await readersDone.ConfigureAwait(false);
        var errors = readers.Concat(writers).Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException())
            .Where(e => e is not OperationCanceledException).ToList();
        if (errors.Count > 0)
            throw errors[0] is MySqlException m ? _target.Translate(m) : errors[0];
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Bulk-load session settings: no binlog for the copy unless the task asks for it (needs SUPER or BINLOG ADMIN).</summary>
    private async Task PrepareWriterSessionAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await using (var checks = new MySqlCommand("SET SESSION foreign_key_checks = 0", target))
            await checks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (_task.FullLoadBinlog) return;
        try
        {
            await using var binlog = new MySqlCommand("SET SESSION sql_log_bin = 0", target);
            await binlog.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException)
        {
            // Without the privilege the copy is simply logged, as with FullLoadBinlog on.
        }
    }

    private static async Task FlushLoopAsync(PeriodicTimer timer, FullLoadProgress progress, CancellationToken cancellationToken)
    {
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            progress.Flush();
    }

    private async Task<IReadOnlyList<Chunk>> ChunksAsync(MySqlConnection source, TableCopyPlan plan, long averageRowLength, Throttle throttle,
        CancellationToken cancellationToken)
    {
        var stored = _runtime.ChunkPlan(_task.Name, plan.Mapping.Source);
        if (stored.Count > 0)
            return stored.Select(c => new Chunk(c.ChunkNo,
                c.Lower is null ? null : ChunkKey.Deserialize(c.Lower),
                c.Upper is null ? null : ChunkKey.Deserialize(c.Upper))).ToList();
        var averageRow = Math.Max(1, averageRowLength);
        var rowsPerChunk = throttle.MaxBatchRows(_task.ChunkRows > 0 ? _task.ChunkRows : Math.Clamp(TargetChunkBytes / averageRow, 1_000, 50_000));
        var chunks = await ChunkPlanner.PlanAsync(source, plan.Source, plan.Key, rowsPerChunk, cancellationToken).ConfigureAwait(false);
        _runtime.SaveChunkPlan(_task.Name, plan.Mapping.Source, chunks
            .Select(c => (c.Lower is null ? null : ChunkKey.Serialize(c.Lower), c.Upper is null ? null : ChunkKey.Serialize(c.Upper))).ToList());
        return chunks;
    }

    private async Task<List<(string Table, int Chunk, long Rows)>> DoneChunksAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            // Locking, so a chunk a killed worker was committing is waited for, not loaded twice.
            $"SELECT source_table, chunk_no, rows_loaded FROM `{OmsControlSchema.Database}`.`full_chunks` WHERE task = @t LOCK IN SHARE MODE", target);
        command.Parameters.AddWithValue("@t", _task.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var done = new List<(string, int, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            done.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        return done;
    }

    private static async Task RefuseNonEmptyAsync(MySqlConnection target, TableCopyPlan plan, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"SELECT 1 FROM {plan.TargetName} LIMIT 1", target);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            throw new OmsException("TargetTableNotEmpty", OmsErrorKind.InvalidState, plan.Mapping.Target,
                $"Target table '{plan.Mapping.Target}' already holds rows and the task's -NonEmptyTarget is Stop. " +
                "Empty the table, or set Set-OmsTask -NonEmptyTarget Ignore to keep the existing rows and record the collisions.");
    }

    private static async Task<bool> LocalInfileAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT @@GLOBAL.local_infile", target);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L) == 1;
    }

    /// <summary>The server's estimates of a table's row count and average row length, in one look.</summary>
    internal static async Task<(long Rows, long AverageRowLength)> TableStatisticsAsync(MySqlConnection source, TableSchema table, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT COALESCE(TABLE_ROWS, 0), COALESCE(AVG_ROW_LENGTH, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @d AND TABLE_NAME = @t", source);
        command.Parameters.AddWithValue("@d", table.Database);
        command.Parameters.AddWithValue("@t", table.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)))
            : (0, 0);
    }
}
