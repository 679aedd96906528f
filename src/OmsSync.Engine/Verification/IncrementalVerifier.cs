using System.Text;
using System.Threading.Channels;
using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Incremental verification (OMS Incr-Verification): follows the source's changes (<see cref="IChangeFeed"/>) and
/// re-verifies, continuously, every row they touch, once the task's lag has passed. A difference recorded earlier is
/// withdrawn when a later change makes the row agree again, so the figures show what differs now. A table without a
/// key that changes is compared again as a whole. Runs until stopped.
/// </summary>
internal sealed class IncrementalVerifier
{
    private static readonly TimeSpan BatchInterval = TimeSpan.FromSeconds(1);
    private const int MaxKeysPerBatch = 2_000;

    private readonly VerificationContext _context;

    public IncrementalVerifier(VerificationContext context) => _context = context;

    /// <summary>
    /// Changed rows of one table: each changed key as literals of each side's SQL (the target's through the task's value
    /// mapping), or (without a key) just that it changed.
    /// </summary>
    private sealed record Touched(TableComparePlan Plan, IReadOnlyCollection<(IReadOnlyList<string> Source, IReadOnlyList<string> Target)> Keys);

    public async Task RunAsync(IReadOnlyList<TableComparePlan> plans, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var byTable = plans.ToDictionary(p => (p.Mapping.SourceDatabase, p.Mapping.SourceTable));
        var feed = _context.Pair.Changes(plans);
        var batches = Channel.CreateBounded<List<Touched>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadAsync(feed, since, byTable, batches.Writer, failed.Token), failed.Token);
        var checking = Task.Run(() => CheckAsync(batches.Reader, failed.Token), failed.Token);
        var first = await Task.WhenAny(reading, checking).ConfigureAwait(false);
        failed.Cancel();
        try { await Task.WhenAll(reading, checking).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!first.IsFaulted) { }
        if (first.IsFaulted) throw _context.Pair.Translate(first.Exception!.GetBaseException());
        cancellationToken.ThrowIfCancellationRequested();
    }

    // Collects the keys the source's row changes touch; a timer hands them on about once a second, sooner when many gather.
    private async Task ReadAsync(IChangeFeed feed, DateTimeOffset? since, IReadOnlyDictionary<(string, string), TableComparePlan> byTable,
        ChannelWriter<List<Touched>> batches, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<TableComparePlan, Dictionary<string, (IReadOnlyList<string>, IReadOnlyList<string>)>>();
        var writers = new Dictionary<TableComparePlan, KeyWriters>(); // this loop's alone: the timer never touches it
        var keys = 0;
        var gate = new SemaphoreSlim(1, 1);
        async Task HandOverAsync()
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (pending.Count == 0) return;
                await batches.WriteAsync(pending.Select(p => new Touched(p.Key, p.Value.Values.ToList())).ToList(), cancellationToken).ConfigureAwait(false);
                pending = new();
                keys = 0;
            }
            finally
            {
                gate.Release();
            }
        }
        using var stopTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Run(async () =>
        {
            using var ticks = new PeriodicTimer(BatchInterval);
            while (await ticks.WaitForNextTickAsync(stopTimer.Token).ConfigureAwait(false))
                await HandOverAsync().ConfigureAwait(false);
        }, CancellationToken.None);
        try
        {
            await foreach (var transaction in feed.ReadAsync(since, _context.Log, cancellationToken).ConfigureAwait(false))
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    using (transaction)
                        if (!transaction.IsHeartbeat && (since is null || transaction.CommitTime >= since))
                            foreach (var change in transaction.Changes.OfType<RowChange>())
                            {
                                if (!byTable.TryGetValue((change.Database, change.Table), out var plan)) continue;
                                if (!pending.TryGetValue(plan, out var set)) pending[plan] = set = new(StringComparer.Ordinal);
                                if (!plan.HasKey) continue;
                                if (!writers.TryGetValue(plan, out var writer)) writers[plan] = writer = new KeyWriters(plan, _context.Pair);
                                foreach (var image in new[] { change.Before, change.After })
                                    if (image is not null && writer.Literals(change, image) is var (source, target)
                                        && set.TryAdd(string.Join("\u0001", source), (source, target)))
                                        keys++;
                            }
                }
                finally
                {
                    gate.Release();
                }
                if (keys >= MaxKeysPerBatch) await HandOverAsync().ConfigureAwait(false);
            }
            stopTimer.Cancel();
            try { await timer.ConfigureAwait(false); } catch (OperationCanceledException) { }
            await HandOverAsync().ConfigureAwait(false);
            batches.TryComplete();
        }
        catch (Exception e)
        {
            stopTimer.Cancel();
            try { await timer.ConfigureAwait(false); } catch (OperationCanceledException) { }
            batches.TryComplete(e);
            throw;
        }
    }

    private async Task CheckAsync(ChannelReader<List<Touched>> batches, CancellationToken cancellationToken)
    {
        var confirmer = new DifferenceConfirmer(_context.Gate);
        await using var source = await _context.Pair.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _context.Pair.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var batch in batches.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            foreach (var (plan, keys) in batch)
            {
                if (plan.HasKey)
                    await CheckKeysAsync(confirmer, source, target, plan, keys, cancellationToken).ConfigureAwait(false);
                else
                    await CheckMultisetAsync(confirmer, source, target, plan, cancellationToken).ConfigureAwait(false);
            }
    }

    private async Task CheckKeysAsync(DifferenceConfirmer confirmer, IVerificationSession source, IVerificationSession target, TableComparePlan plan,
        IReadOnlyCollection<(IReadOnlyList<string> Source, IReadOnlyList<string> Target)> changed, CancellationToken cancellationToken)
    {
        // The rows the changes name, as each side has them now (by key value, so a target that sees 'A' for 'a' shows up too).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        keys.UnionWith(await source.KeysMatchingAsync(plan, Side.Source, changed.Select(k => k.Source).ToList(), cancellationToken).ConfigureAwait(false));
        keys.UnionWith(await target.KeysMatchingAsync(plan, Side.Target, changed.Select(k => k.Target).ToList(), cancellationToken).ConfigureAwait(false));
        if (keys.Count == 0) return; // gone on both sides
        var (differ, equal) = await confirmer.ConfirmKeysAsync(source, target, plan, keys.ToList(), cancellationToken).ConfigureAwait(false);
        // What was recorded for these rows before is replaced by what they are now.
        _context.Progress.Cleared(plan, keys);
        _context.Progress.Record(plan, differ);
        _context.Progress.Compared(plan, equal.Count + differ.Count(d => d.Source is not null), equal.Count + differ.Count(d => d.Target is not null));
    }

    private async Task CheckMultisetAsync(DifferenceConfirmer confirmer, IVerificationSession source, IVerificationSession target, TableComparePlan plan,
        CancellationToken cancellationToken)
    {
        var buckets = Enumerable.Range(0, 1 << IVerificationSession.BucketBits).ToList();
        var sourceCopies = await source.CopiesInBucketsAsync(plan, Side.Source, buckets, cancellationToken).ConfigureAwait(false);
        var targetCopies = await target.CopiesInBucketsAsync(plan, Side.Target, buckets, cancellationToken).ConfigureAwait(false);
        var hashes = sourceCopies.Keys.Union(targetCopies.Keys).Where(h => sourceCopies.GetValueOrDefault(h) != targetCopies.GetValueOrDefault(h)).ToList();
        _context.Progress.ResetCopies(plan);
        _context.Progress.Compared(plan, sourceCopies.Values.Sum(), targetCopies.Values.Sum());
        if (hashes.Count > 0)
            await FullVerifier.ConfirmAsync(confirmer, source, target, plan, [], hashes, _context.Progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a table's key values as literals of the source's SQL and of the target's. It runs for every row image of
    /// every change, so the writers are made once, and the key columns' places in the image are looked up again only
    /// when the stream's column list changes (the binlog and pgoutput readers share one list per table shape).
    /// </summary>
    private sealed class KeyWriters(TableComparePlan plan, VerificationPair pair)
    {
        private readonly KeyLiteral[] _source = plan.KeyColumns.Select(c => pair.SourceKey(plan, c)).ToArray();
        private readonly KeyLiteral[] _target = plan.KeyColumns.Select(c => pair.TargetKey(plan, c)).ToArray();
        private readonly StringBuilder _sql = new();
        private IReadOnlyList<string?>? _names;
        private int[] _places = [];

        public (IReadOnlyList<string>, IReadOnlyList<string>) Literals(RowChange change, IReadOnlyList<object?> image)
        {
            if (!ReferenceEquals(change.ColumnNames, _names))
            {
                _places = plan.KeyColumns.Select(c => Place(change.ColumnNames, c.Name)).ToArray();
                _names = change.ColumnNames;
            }
            var source = new string[_places.Length];
            var target = new string[_places.Length];
            for (var k = 0; k < _places.Length; k++)
            {
                var at = _places[k];
                if (at < 0 || image[at] is ColumnNotLogged)
                    throw new Errors.OmsException("ColumnNotInChangeStream", Errors.OmsErrorKind.DataError, plan.Mapping.Source,
                        $"Key column '{plan.KeyColumns[k].Name}' of '{plan.Mapping.Source}' is not in the source's row image; verify the table with -Mode Full.");
                source[k] = Write(_source[k], image[at]);
                target[k] = Write(_target[k], image[at]);
            }
            return (source, target);
        }

        private string Write(KeyLiteral literal, object? value)
        {
            _sql.Clear();
            literal(_sql, value);
            return _sql.ToString();
        }

        private static int Place(IReadOnlyList<string?> names, string column)
        {
            for (var i = 0; i < names.Count; i++)
                if (string.Equals(names[i], column, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }
    }
}
