using System.Threading.Channels;
using MySqlConnector;
using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Full verification (OMS Full-Verification). A planner cuts each table into key ranges as it walks the key;
/// workers checksum each range on the source and the target at the same time; a range whose checksums
/// differ is narrowed to rows by comparing per-row hashes; the rows found are handed to a confirmer, which
/// re-reads them after the task's lag before anything is reported. Tables without a key are compared as
/// multisets of rows, bucket by bucket.
/// </summary>
internal sealed class FullVerifier
{
    private const long ChunkBytes = 16 << 20;
    private const int MaxKeysPerConfirmation = 5_000;

    private readonly VerificationContext _context;

    public FullVerifier(VerificationContext context) => _context = context;

    private sealed record Work(TableComparePlan Plan, Chunk? Chunk);

    /// <summary>Rows that may differ: keys of a keyed table, or row hashes of a table without a key.</summary>
    private sealed record Candidates(TableComparePlan Plan, IReadOnlyList<string> Keys, IReadOnlyList<ulong> Hashes);

    public async Task RunAsync(IReadOnlyList<(TableComparePlan Plan, long AverageRowLength)> tables, CancellationToken cancellationToken)
    {
        var workers = _context.Concurrency;
        var work = Channel.CreateBounded<Work>(new BoundedChannelOptions(workers * 4) { SingleWriter = true });
        var candidates = Channel.CreateUnbounded<Candidates>(new UnboundedChannelOptions { SingleReader = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failed.Token;

        var planner = Task.Run(() => PlanAsync(tables, work.Writer, token), token);
        var hashers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => CompareAsync(work.Reader, candidates.Writer, token), token)).ToList();
        var hashersDone = Task.WhenAll(hashers).ContinueWith(t => candidates.Writer.TryComplete(), TaskScheduler.Default);
        var confirmer = Task.Run(() => ConfirmAsync(candidates.Reader, token), token);

        var all = new List<Task> { planner, confirmer };
        all.AddRange(hashers);
        var running = all.ToList();
        while (running.Count > 0)
        {
            var finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            if (finished.IsFaulted || finished.IsCanceled) failed.Cancel(); // the first failure stops the others
        }
        await hashersDone.ConfigureAwait(false);
        var errors = all.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException()).Where(e => e is not OperationCanceledException).ToList();
        if (errors.Count > 0)
            throw errors[0] is MySqlException m ? _context.Source.Translate(m) : errors[0];
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (plan, _) in tables)
            _context.Progress.Finish(plan, "Completed");
    }

    // Cuts tables into ranges as the key is walked, so comparing starts with the first range.
    private async Task PlanAsync(IReadOnlyList<(TableComparePlan Plan, long AverageRowLength)> tables, ChannelWriter<Work> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var source = await _context.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (plan, averageRow) in tables)
            {
                if (!plan.HasKey)
                {
                    await work.WriteAsync(new Work(plan, null), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var rowsPerChunk = _context.Task.ChunkRows > 0 ? _context.Task.ChunkRows : Math.Clamp(ChunkBytes / Math.Max(1, averageRow), 5_000, 100_000);
                var number = 0;
                IReadOnlyList<string?>? lower = null;
                await foreach (var upper in ChunkPlanner.BoundariesAsync(source, plan.Table.Schema, plan.SourceKey!, rowsPerChunk, cancellationToken).ConfigureAwait(false))
                {
                    await work.WriteAsync(new Work(plan, new Chunk(number++, lower, upper)), cancellationToken).ConfigureAwait(false);
                    lower = upper;
                }
                await work.WriteAsync(new Work(plan, new Chunk(number, lower, null)), cancellationToken).ConfigureAwait(false);
            }
            work.TryComplete();
        }
        catch (Exception e)
        {
            work.TryComplete(e);
            throw;
        }
    }

    private async Task CompareAsync(ChannelReader<Work> work, ChannelWriter<Candidates> candidates, CancellationToken cancellationToken)
    {
        await using var source = await _context.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _context.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var (plan, chunk) in work.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = chunk is null
                ? await CompareMultisetAsync(source, target, plan, cancellationToken).ConfigureAwait(false)
                : await CompareChunkAsync(source, target, plan, chunk, cancellationToken).ConfigureAwait(false);
            if (found is not null)
                await candidates.WriteAsync(found, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Candidates?> CompareChunkAsync(MySqlConnection source, MySqlConnection target, TableComparePlan plan, Chunk chunk,
        CancellationToken cancellationToken)
    {
        var (s, t) = await BothAsync(
            ChunkChecksums.ChunkAsync(source, plan, Side.Source, chunk, cancellationToken),
            ChunkChecksums.ChunkAsync(target, plan, Side.Target, chunk, cancellationToken)).ConfigureAwait(false);
        _context.Progress.Compared(plan, s.Rows, t.Rows);
        if (s == t) return null;

        var (sourceRows, targetRows) = await BothAsync(
            ChunkChecksums.RowHashesAsync(source, plan, Side.Source, chunk, cancellationToken),
            ChunkChecksums.RowHashesAsync(target, plan, Side.Target, chunk, cancellationToken)).ConfigureAwait(false);
        var keys = new List<string>();
        foreach (var (key, hash) in sourceRows)
            if (!targetRows.Remove(key, out var other) || other != hash)
                keys.Add(key);
        keys.AddRange(targetRows.Keys); // on the target only
        return keys.Count == 0 ? null : new Candidates(plan, keys, []);
    }

    private async Task<Candidates?> CompareMultisetAsync(MySqlConnection source, MySqlConnection target, TableComparePlan plan, CancellationToken cancellationToken)
    {
        var (s, t) = await BothAsync(
            ChunkChecksums.BucketsAsync(source, plan, Side.Source, cancellationToken),
            ChunkChecksums.BucketsAsync(target, plan, Side.Target, cancellationToken)).ConfigureAwait(false);
        _context.Progress.Compared(plan, s.Values.Sum(c => c.Rows), t.Values.Sum(c => c.Rows));
        var buckets = s.Keys.Union(t.Keys).Where(b => s.GetValueOrDefault(b) != t.GetValueOrDefault(b)).ToList();
        if (buckets.Count == 0) return null;

        var (sourceCopies, targetCopies) = await BothAsync(
            ChunkChecksums.CopiesAsync(source, plan, Side.Source, buckets, cancellationToken),
            ChunkChecksums.CopiesAsync(target, plan, Side.Target, buckets, cancellationToken)).ConfigureAwait(false);
        var hashes = sourceCopies.Keys.Union(targetCopies.Keys)
            .Where(h => sourceCopies.GetValueOrDefault(h) != targetCopies.GetValueOrDefault(h)).ToList();
        return hashes.Count == 0 ? null : new Candidates(plan, [], hashes);
    }

    // One confirmer: it gathers what is waiting for the same table, so one wait for the lag serves many rows.
    private async Task ConfirmAsync(ChannelReader<Candidates> candidates, CancellationToken cancellationToken)
    {
        var confirmer = new DifferenceConfirmer(_context.Gate);
        await using var source = await _context.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _context.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (await candidates.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!candidates.TryRead(out var first)) continue;
            var keys = first.Keys.ToList();
            var hashes = first.Hashes.ToList();
            while (keys.Count < MaxKeysPerConfirmation && candidates.TryPeek(out var next) && next.Plan == first.Plan)
            {
                candidates.TryRead(out _);
                keys.AddRange(next.Keys);
                hashes.AddRange(next.Hashes);
            }
            await ConfirmAsync(confirmer, source, target, first.Plan, keys, hashes, _context.Progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Confirms candidate rows of one table and records those that still differ.</summary>
    internal static async Task ConfirmAsync(DifferenceConfirmer confirmer, MySqlConnection source, MySqlConnection target, TableComparePlan plan,
        IReadOnlyList<string> keys, IReadOnlyList<ulong> hashes, VerificationProgress progress, CancellationToken cancellationToken)
    {
        foreach (var batch in keys.Distinct().Chunk(MaxKeysPerConfirmation))
        {
            var (differ, _) = await confirmer.ConfirmKeysAsync(source, target, plan, batch, cancellationToken).ConfigureAwait(false);
            progress.Record(plan, differ);
        }
        if (hashes.Count == 0) return;
        var copies = await confirmer.ConfirmCopiesAsync(source, target, plan, hashes.Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        if (copies.Count == 0) return;
        var differing = copies.Select(c => c.Hash).ToList();
        var sourceRows = await RowReader.ByHashesAsync(source, plan, Side.Source, differing, cancellationToken).ConfigureAwait(false);
        var targetRows = await RowReader.ByHashesAsync(target, plan, Side.Target, differing, cancellationToken).ConfigureAwait(false);
        progress.RecordCopies(plan, copies, sourceRows, targetRows);
    }

    private static async Task<(TS, TT)> BothAsync<TS, TT>(Task<TS> source, Task<TT> target)
    {
        await Task.WhenAll(source, target).ConfigureAwait(false);
        return (await source.ConfigureAwait(false), await target.ConfigureAwait(false));
    }
}
