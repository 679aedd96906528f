using System.Threading.Channels;
using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Full verification (OMS Full-Verification). A planner cuts each table into key ranges as it walks the key
/// (or by value, for a dense integer key). Each range goes to the source's and the target's checksum workers,
/// which run on their own, so both servers are busy all the time; a range whose two checksums differ is
/// narrowed to rows by comparing per-row hashes, and the rows found are handed to a confirmer, which re-reads
/// them after the task's lag before anything is reported. Tables without a key are compared as multisets of
/// rows, bucket by bucket.
/// </summary>
internal sealed class FullVerifier
{
    private const long ChunkBytes = 8 << 20;
    private const int MaxKeysPerConfirmation = 5_000;

    private readonly VerificationContext _context;
    private readonly Dictionary<Work, object> _halfDone = [];
    private int _compared, _differing;

    public FullVerifier(VerificationContext context) => _context = context;

    /// <summary>A key range of a table, or (Chunk null) a whole table without a key.</summary>
    private sealed record Work(TableComparePlan Plan, Chunk? Chunk);

    /// <summary>Rows that may differ: keys of a keyed table, or row hashes of a table without a key.</summary>
    private sealed record Candidates(TableComparePlan Plan, IReadOnlyList<string> Keys, IReadOnlyList<ulong> Hashes);

    public async Task RunAsync(IReadOnlyList<(TableComparePlan Plan, long RowsEstimate, long AverageRowLength)> tables, CancellationToken cancellationToken)
    {
        var workers = _context.Concurrency;
        var sides = new[] { Side.Source, Side.Target }.ToDictionary(s => s,
            _ => Channel.CreateBounded<Work>(new BoundedChannelOptions(workers * 4) { SingleWriter = true }));
        var differing = Channel.CreateUnbounded<(Work Work, object Source, object Target)>(new UnboundedChannelOptions { SingleReader = true });
        var candidates = Channel.CreateUnbounded<Candidates>(new UnboundedChannelOptions { SingleReader = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failed.Token;

        var planner = Task.Run(() => PlanAsync(tables, sides.Values.Select(c => c.Writer).ToList(), token), token);
        var checksummers = sides.SelectMany(side => Enumerable.Range(0, workers)
            .Select(_ => Task.Run(() => ChecksumAsync(side.Key, side.Value.Reader, differing.Writer, token), token))).ToList();
        var checksummed = Task.WhenAll(checksummers).ContinueWith(_ =>
        {
            differing.Writer.TryComplete();
            _context.Log($"{_compared} range(s) checksummed, {_differing} differing");
        }, TaskScheduler.Default);
        var narrower = Task.Run(() => NarrowAsync(differing.Reader, candidates.Writer, token), token);
        var confirmer = Task.Run(() => ConfirmAsync(candidates.Reader, token), token);

        var all = new List<Task> { planner, narrower, confirmer };
        all.AddRange(checksummers);
        var running = all.ToList();
        while (running.Count > 0)
        {
            var finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            if (finished.IsFaulted || finished.IsCanceled) failed.Cancel(); // the first failure stops the others
        }
        await checksummed.ConfigureAwait(false);
        var errors = all.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException()).Where(e => e is not OperationCanceledException).ToList();
        if (errors.Count > 0)
            throw _context.Pair.Translate(errors[0]);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (plan, _, _) in tables)
            _context.Progress.Finish(plan, "Completed");
    }

    // Cuts tables into ranges as the key is walked, so comparing starts with the first range.
    private async Task PlanAsync(IReadOnlyList<(TableComparePlan Plan, long RowsEstimate, long AverageRowLength)> tables, IReadOnlyList<ChannelWriter<Work>> sides,
        CancellationToken cancellationToken)
    {
        async Task Send(Work work)
        {
            foreach (var side in sides) await side.WriteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            await using var source = await _context.Pair.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (plan, rowsEstimate, averageRow) in tables)
            {
                if (!plan.HasKey)
                {
                    await Send(new Work(plan, null)).ConfigureAwait(false);
                    continue;
                }
                var rowsPerChunk = _context.Task.ChunkRows > 0 ? _context.Task.ChunkRows : Math.Clamp(ChunkBytes / Math.Max(1, averageRow), 5_000, 100_000);
                var number = 0;
                IReadOnlyList<string?>? lower = null;
                await foreach (var upper in source.BoundariesAsync(plan, rowsEstimate, rowsPerChunk, cancellationToken).ConfigureAwait(false))
                {
                    await Send(new Work(plan, new Chunk(number++, lower, upper))).ConfigureAwait(false);
                    lower = upper;
                }
                await Send(new Work(plan, new Chunk(number, lower, null))).ConfigureAwait(false);
            }
            foreach (var side in sides) side.TryComplete();
        }
        catch (Exception e)
        {
            foreach (var side in sides) side.TryComplete(e);
            throw;
        }
    }

    // One side's checksums, each range as soon as this side's server is free; the pair is compared once both are in.
    private async Task ChecksumAsync(Side side, ChannelReader<Work> work, ChannelWriter<(Work, object, object)> differing, CancellationToken cancellationToken)
    {
        await using var session = await _context.Pair.SideOf(side).OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in work.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            object result = item.Chunk is null
                ? await session.BucketsAsync(item.Plan, side, cancellationToken).ConfigureAwait(false)
                : await session.ChecksumAsync(item.Plan, side, item.Chunk, cancellationToken).ConfigureAwait(false);
            object? other;
            lock (_halfDone)
                if (!_halfDone.Remove(item, out other))
                    _halfDone[item] = result;
            if (other is null) continue;
            var (source, target) = side == Side.Source ? (result, other) : (other, result);
            Interlocked.Increment(ref _compared);
            if (Compare(item.Plan, source, target)) continue;
            Interlocked.Increment(ref _differing);
            await differing.WriteAsync((item, source, target), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts the rows of both checksums; true when they agree.</summary>
    private bool Compare(TableComparePlan plan, object source, object target)
    {
        if (source is Checksum s && target is Checksum t)
        {
            _context.Progress.Compared(plan, s.Rows, t.Rows);
            return s == t;
        }
        var (sb, tb) = ((Dictionary<int, Checksum>)source, (Dictionary<int, Checksum>)target);
        _context.Progress.Compared(plan, sb.Values.Sum(c => c.Rows), tb.Values.Sum(c => c.Rows));
        return sb.Count == tb.Count && sb.All(b => tb.TryGetValue(b.Key, out var other) && other == b.Value);
    }

    // Ranges whose checksums differ, narrowed to the rows (or row contents) that differ.
    private async Task NarrowAsync(ChannelReader<(Work Work, object Source, object Target)> differing, ChannelWriter<Candidates> candidates,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var source = await _context.Pair.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var target = await _context.Pair.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var (work, sourceResult, targetResult) in differing.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var found = work.Chunk is null
                    ? await NarrowMultisetAsync(source, target, work.Plan, (Dictionary<int, Checksum>)sourceResult, (Dictionary<int, Checksum>)targetResult, cancellationToken).ConfigureAwait(false)
                    : await NarrowChunkAsync(source, target, work.Plan, work.Chunk, cancellationToken).ConfigureAwait(false);
                if (found is not null)
                    await candidates.WriteAsync(found, cancellationToken).ConfigureAwait(false);
            }
            candidates.TryComplete();
        }
        catch (Exception e)
        {
            candidates.TryComplete(e);
            throw;
        }
    }

    private static async Task<Candidates?> NarrowChunkAsync(IVerificationSession source, IVerificationSession target, TableComparePlan plan, Chunk chunk,
        CancellationToken cancellationToken)
    {
        var (sourceRows, targetRows) = await BothAsync(
            source.RowHashesAsync(plan, Side.Source, chunk, cancellationToken),
            target.RowHashesAsync(plan, Side.Target, chunk, cancellationToken)).ConfigureAwait(false);
        var keys = new List<string>();
        foreach (var (key, hash) in sourceRows)
            if (!targetRows.Remove(key, out var other) || other != hash)
                keys.Add(key);
        keys.AddRange(targetRows.Keys); // on the target only
        return keys.Count == 0 ? null : new Candidates(plan, keys, []);
    }

    private static async Task<Candidates?> NarrowMultisetAsync(IVerificationSession source, IVerificationSession target, TableComparePlan plan,
        Dictionary<int, Checksum> s, Dictionary<int, Checksum> t, CancellationToken cancellationToken)
    {
        var buckets = s.Keys.Union(t.Keys).Where(b => s.GetValueOrDefault(b) != t.GetValueOrDefault(b)).ToList();
        var (sourceCopies, targetCopies) = await BothAsync(
            source.CopiesInBucketsAsync(plan, Side.Source, buckets, cancellationToken),
            target.CopiesInBucketsAsync(plan, Side.Target, buckets, cancellationToken)).ConfigureAwait(false);
        var hashes = sourceCopies.Keys.Union(targetCopies.Keys)
            .Where(h => sourceCopies.GetValueOrDefault(h) != targetCopies.GetValueOrDefault(h)).ToList();
        return hashes.Count == 0 ? null : new Candidates(plan, [], hashes);
    }

    // One confirmer: it gathers what is waiting for the same table, so one wait for the lag serves many rows.
    private async Task ConfirmAsync(ChannelReader<Candidates> candidates, CancellationToken cancellationToken)
    {
        var confirmer = new DifferenceConfirmer(_context.Gate);
        await using var source = await _context.Pair.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _context.Pair.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
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
    internal static async Task ConfirmAsync(DifferenceConfirmer confirmer, IVerificationSession source, IVerificationSession target, TableComparePlan plan,
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
        var sourceRows = await source.RowsByHashesAsync(plan, Side.Source, differing, cancellationToken).ConfigureAwait(false);
        var targetRows = await target.RowsByHashesAsync(plan, Side.Target, differing, cancellationToken).ConfigureAwait(false);
        progress.RecordCopies(plan, copies, sourceRows, targetRows);
    }

    private static async Task<(TS, TT)> BothAsync<TS, TT>(Task<TS> source, Task<TT> target)
    {
        await Task.WhenAll(source, target).ConfigureAwait(false);
        return (await source.ConfigureAwait(false), await target.ConfigureAwait(false));
    }
}
