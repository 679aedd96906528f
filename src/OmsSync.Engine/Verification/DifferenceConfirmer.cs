namespace OmsSync.Engine.Verification;

/// <summary>A row that still differs after the lag: the source's and the target's image (null where the row is absent).</summary>
internal sealed record ConfirmedRow(string Key, RowImage? Source, RowImage? Target)
{
    public DifferenceKind Kind => Source is null ? DifferenceKind.ExtraOnTarget : Target is null ? DifferenceKind.MissingOnTarget : DifferenceKind.Different;
}

/// <summary>A row hash of a table without a key whose copies differ in number between the sides.</summary>
internal sealed record ConfirmedCopies(ulong Hash, long SourceCopies, long TargetCopies);

/// <summary>
/// Decides whether candidate rows really differ. Each round reads the source, waits out the task's lag, then
/// reads the target and the source again. A row that now agrees is fine. A row that disagrees while the source
/// kept it unchanged over the whole wait is a difference. A row the source changed meanwhile is still in
/// flight and gets another round; after the last round it is reported as it stands.
/// </summary>
internal sealed class DifferenceConfirmer
{
    private const int MaxRounds = 6;
    private readonly LagGate _gate;

    public DifferenceConfirmer(LagGate gate) => _gate = gate;

    /// <summary>Returns the rows that differ, and the candidates that turned out equal.</summary>
    public async Task<(List<ConfirmedRow> Differ, List<string> Equal)> ConfirmKeysAsync(IVerificationSession source, IVerificationSession target,
        TableComparePlan plan, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var (differ, equal) = await SettleAsync(source, target, keys,
            (session, side, pending) => session.RowsByKeysAsync(plan, side, pending, cancellationToken),
            (a, b) => a is null || b is null ? a is null && b is null : RowImages.Same(plan, a, b), cancellationToken).ConfigureAwait(false);
        return (differ.Select(d => new ConfirmedRow(d.Key, d.Source, d.Target)).ToList(), equal);
    }

    /// <summary>A table without a key: the row hashes whose number of copies still differs after the lag.</summary>
    public async Task<List<ConfirmedCopies>> ConfirmCopiesAsync(IVerificationSession source, IVerificationSession target, TableComparePlan plan,
        IReadOnlyList<ulong> hashes, CancellationToken cancellationToken)
    {
        var (differ, _) = await SettleAsync<ulong, long>(source, target, hashes,
            (session, side, pending) => session.CopiesAsync(plan, side, pending, cancellationToken),
            (a, b) => a == b, cancellationToken).ConfigureAwait(false);
        return differ.Select(d => new ConfirmedCopies(d.Key, d.Source, d.Target)).ToList();
    }

    // The rounds, for rows read by key or copies counted by hash alike; an absent row reads as default.
    private async Task<(List<(TKey Key, TValue? Source, TValue? Target)> Differ, List<TKey> Equal)> SettleAsync<TKey, TValue>(
        IVerificationSession source, IVerificationSession target, IReadOnlyList<TKey> keys,
        Func<IVerificationSession, Side, IReadOnlyList<TKey>, Task<Dictionary<TKey, TValue>>> read, Func<TValue?, TValue?, bool> same,
        CancellationToken cancellationToken) where TKey : notnull
    {
        var differ = new List<(TKey, TValue?, TValue?)>();
        var equal = new List<TKey>();
        var readAt = await source.NowAsync(cancellationToken).ConfigureAwait(false);
        var before = await read(source, Side.Source, keys).ConfigureAwait(false);
        var pending = keys.ToList();
        for (var round = 1; pending.Count > 0; round++)
        {
            await _gate.WaitPastAsync(target, readAt, cancellationToken).ConfigureAwait(false);
            var onTarget = await read(target, Side.Target, pending).ConfigureAwait(false);
            readAt = await source.NowAsync(cancellationToken).ConfigureAwait(false);
            var after = await read(source, Side.Source, pending).ConfigureAwait(false);
            var next = new List<TKey>();
            foreach (var key in pending)
            {
                var s = after.GetValueOrDefault(key);
                var t = onTarget.GetValueOrDefault(key);
                if (same(s, t)) equal.Add(key);
                else if (round == MaxRounds || same(before.GetValueOrDefault(key), s)) differ.Add((key, s, t));
                else next.Add(key);
            }
            pending = next;
            before = after;
        }
        return (differ, equal);
    }
}
