using System.Threading.Channels;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.FullLoad;

/// <summary>
/// Full migration: tables are cut into key ranges, read by parallel readers and loaded by parallel writers; each
/// loaded chunk is marked done in the target's `oms` control tables in the same transaction, so a killed worker
/// resumes with the chunks that are not in. The servers on either side are an <see cref="IChunkSource"/> and an
/// <see cref="IChunkTarget"/> (MySQL family with LOAD DATA, PostgreSQL with COPY).
/// </summary>
public sealed class FullLoadRunner
{
    private const long TargetChunkBytes = 8 << 20;
    private readonly IChunkSource _source;
    private readonly IChunkTarget _target;
    private readonly MigrationTask _task;
    private readonly RuntimeStore _runtime;
    private readonly ConflictLog _conflicts;

    internal FullLoadRunner(IChunkSource source, IChunkTarget target, MigrationTask task, RuntimeStore runtime, ConflictLog conflicts)
    {
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
        var plans = new List<TableCopyPlan>();

        var done = await _target.LoadedChunksAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (mapping, schema) in tables)
        {
            var plan = _source.Plan(mapping, schema);
            plans.Add(plan);
            try
            {
                var (rows, averageRow) = await _source.StatisticsAsync(schema, mapping.Partitions, cancellationToken).ConfigureAwait(false);
                plan.RowsEstimate = rows;
                plan.Chunks = await ChunksAsync(plan, averageRow, throttle, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!ReferenceEquals(_source.Translate(e), e))
            {
                throw _source.Translate(e);
            }
            var doneHere = done.Where(d => d.Table == mapping.Source).ToList();
            if (doneHere.Count == 0 && _task.NonEmptyTarget == NonEmptyTargetAction.Stop)
                await _target.RefuseNonEmptyAsync(plan, cancellationToken).ConfigureAwait(false);
            var doneNumbers = doneHere.Select(d => d.Chunk).ToHashSet();
            progress.AddTable(plan, doneNumbers.Count, doneHere.Sum(d => d.Rows));
            pending.AddRange(plan.Chunks.Where(c => !doneNumbers.Contains(c.Number)).Select(c => (plan, c)));
        }
        progress.Flush();

        using var flusher = new PeriodicTimer(TimeSpan.FromSeconds(1));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var flushing = FlushLoopAsync(flusher, progress, stop.Token);
        try
        {
            await CopyAsync(pending, throttle, progress, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            try { await flushing.ConfigureAwait(false); } catch (OperationCanceledException) { }
            progress.Flush();
        }
        await _target.FinishAsync(plans, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets what was copied of a table that left the task, on the target and here, so that it copies anew if it joins again.</summary>
    public async Task ForgetAsync(string sourceTable, CancellationToken cancellationToken)
    {
        await _target.ForgetChunksAsync(sourceTable, cancellationToken).ConfigureAwait(false);
        _runtime.ForgetTable(_task.Name, sourceTable);
    }

    private async Task CopyAsync(List<(TableCopyPlan Plan, Chunk Chunk)> pending, Throttle throttle, FullLoadProgress progress,
        CancellationToken cancellationToken)
    {
        var work = Channel.CreateUnbounded<(TableCopyPlan, Chunk)>();
        foreach (var item in pending) work.Writer.TryWrite(item);
        work.Writer.Complete();
        var loaded = Channel.CreateBounded<(TableCopyPlan Plan, Chunk Chunk, ChunkBuffer Data)>(Math.Max(2, _task.WriteConcurrency * 2));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failed.Token;
        var buffers = new System.Collections.Concurrent.ConcurrentBag<ChunkBuffer>();

        var readers = Enumerable.Range(0, Math.Max(1, _task.ReadConcurrency)).Select(_ => Task.Run(async () =>
        {
            await using var source = await _source.OpenReaderAsync(token).ConfigureAwait(false);
            while (work.Reader.TryRead(out var item))
            {
                var (plan, chunk) = item;
                // Buffers are reused: a chunk's buffer grows to tens of MB, too large to allocate per chunk.
                if (!buffers.TryTake(out var data)) data = _target.NewBuffer();
                data.Reset(plan);
                await source.ReadAsync(plan, chunk, data, token).ConfigureAwait(false);
                await loaded.Writer.WriteAsync((plan, chunk, data), token).ConfigureAwait(false);
            }
        }, token)).ToList();

        var writers = Enumerable.Range(0, Math.Max(1, _task.WriteConcurrency)).Select(_ => Task.Run(async () =>
        {
            await using var writer = await _target.OpenWriterAsync(token).ConfigureAwait(false);
            await foreach (var (plan, chunk, data) in loaded.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await throttle.WaitAsync(data.Rows, data.Length, token).ConfigureAwait(false);
                var (_, conflicts) = await writer.WriteAsync(plan, chunk, data, token).ConfigureAwait(false);
                _conflicts.Record(conflicts);
                progress.ChunkDone(plan, data.Rows);
                buffers.Add(data);
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
        // A reader's failure reaches the writers too (it closes their channel): it is the source's, and named so.
        static List<Exception> Failures(IEnumerable<Task> tasks) => tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException())
            .Where(e => e is not OperationCanceledException).ToList();
        if (Failures(readers) is [var reading, ..])
            throw _source.Translate(reading);
        if (Failures(writers) is [var writing, ..])
            throw _target.Translate(writing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static async Task FlushLoopAsync(PeriodicTimer timer, FullLoadProgress progress, CancellationToken cancellationToken)
    {
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            progress.Flush();
    }

    private async Task<IReadOnlyList<Chunk>> ChunksAsync(TableCopyPlan plan, long averageRowLength, Throttle throttle, CancellationToken cancellationToken)
    {
        var stored = _runtime.ChunkPlan(_task.Name, plan.Mapping.Source);
        if (stored.Count > 0)
            return stored.Select(c => new Chunk(c.ChunkNo,
                c.Lower is null ? null : KeyTuple.Deserialize(c.Lower),
                c.Upper is null ? null : KeyTuple.Deserialize(c.Upper))).ToList();
        var averageRow = Math.Max(1, averageRowLength);
        var rowsPerChunk = throttle.MaxBatchRows(_task.ChunkRows > 0 ? _task.ChunkRows : Math.Clamp(TargetChunkBytes / averageRow, 1_000, 50_000));
        var chunks = await _source.CutAsync(plan, rowsPerChunk, cancellationToken).ConfigureAwait(false);
        _runtime.SaveChunkPlan(_task.Name, plan.Mapping.Source, chunks
            .Select(c => (c.Lower is null ? null : KeyTuple.Serialize(c.Lower), c.Upper is null ? null : KeyTuple.Serialize(c.Upper))).ToList());
        return chunks;
    }
}
