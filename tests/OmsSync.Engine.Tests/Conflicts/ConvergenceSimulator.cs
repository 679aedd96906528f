using System.Text;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Tests.Conflicts;

/// <summary>
/// Two sides of a bidirectional task, A (the forward direction's source) and B, each with an application writing a
/// handful of rows of one table (key id, a unique column u, the NewerWins column ts), and two directions carrying each
/// side's transactions to the other with arbitrary delays: any transaction whose write set (keys and unique values) meets
/// no earlier pending one's may go first, as the binlog's order and the parallel apply lanes allow. Every change goes
/// through the engine's own <see cref="ConflictResolver"/> and <see cref="ConflictDecision"/>; what an applier deletes
/// comes back to the other side through <see cref="LoopFilter.EchoesOf"/>, as the binlog of the side it wrote carries it.
/// Once the applications stop and every transaction is delivered, the sides must hold the same rows.
/// </summary>
internal sealed class ConvergenceSimulator
{
    private static readonly string?[] ColumnNames = ["id", "v", "u", "ts"];
    private static readonly ConflictRule Rule = new() { Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" };
    private const int Keys = 4;
    private const int MaxSteps = 20_000;

    private readonly Random _random;
    private readonly StampMode _mode;
    private readonly Side _a = new("A"), _b = new("B");
    private readonly List<Pending> _toB = [], _toA = [];
    private readonly ConflictResolver _forward = new("sim", Direction.Forward), _reverse = new("sim", Direction.Reverse);
    private long _clock = 10;

    public ConvergenceSimulator(int seed, StampMode mode)
    {
        _random = new Random(seed);
        _mode = mode;
    }

    /// <summary>What happened, step by step (for replaying a failing seed).</summary>
    public StringBuilder Trace { get; } = new();
    public int Conflicts { get; private set; }
    public int Echoes { get; private set; }

    /// <summary>Runs the schedule; true when both sides end with the same rows.</summary>
    public async Task<bool> RunAsync(int writesPerSide)
    {
        foreach (var side in new[] { _a, _b })
            for (var id = 1; id <= 2; id++)
                side.Rows[id] = [(long)id, 0L, (long)id, 1L];
        int left = writesPerSide, right = writesPerSide;
        for (var step = 0; left + right + _toA.Count + _toB.Count > 0; step++)
        {
            if (step > MaxSteps)
            {
                Trace.AppendLine("the directions never came to rest");
                return false;
            }
            switch (_random.Next(4))
            {
                case 0 when left > 0: Write(_a, _toB); left--; break;
                case 1 when right > 0: Write(_b, _toA); right--; break;
                case 2 when _toB.Count > 0: await DeliverAsync(_toB, _b, _toA, _forward).ConfigureAwait(false); break;
                case 3 when _toA.Count > 0: await DeliverAsync(_toA, _a, _toB, _reverse).ConfigureAwait(false); break;
            }
        }
        Trace.AppendLine($"A: {_a}").AppendLine($"B: {_b}");
        return _a.ToString() == _b.ToString();
    }

    /// <summary>
    /// One write on each side to the same row (id 1, present on both unless <paramref name="baseRow"/> is null), made
    /// before either side hears of the other's; then both are delivered, in the order given, and whatever the appliers
    /// delete comes back. True when both sides end with the same rows.
    /// </summary>
    public async Task<bool> RunPairAsync(object?[]? baseRow, RowChange onA, RowChange onB, bool forwardFirst)
    {
        foreach (var side in new[] { _a, _b })
            if (baseRow is not null) side.Rows[1] = baseRow.ToArray();
        foreach (var (side, change, queue) in new[] { (_a, onA, _toB), (_b, onB, _toA) })
        {
            if (change.Before is not null) side.Rows.Remove((long)change.Before[0]!);
            if (change.After is not null) side.Rows[(long)change.After[0]!] = change.After.ToArray();
            queue.Add(new Pending([change], false));
        }
        for (var turn = forwardFirst ? 0 : 1; _toA.Count + _toB.Count > 0; turn++)
        {
            if (turn % 2 == 0 && _toB.Count > 0) await DeliverAsync(_toB, _b, _toA, _forward).ConfigureAwait(false);
            else if (turn % 2 == 1 && _toA.Count > 0) await DeliverAsync(_toA, _a, _toB, _reverse).ConfigureAwait(false);
        }
        Trace.AppendLine($"A: {_a}").AppendLine($"B: {_b}");
        return _a.ToString() == _b.ToString();
    }

    public static RowChange Write(RowChangeKind kind, object?[]? before, object?[]? after) => Change(kind, before, after);

    private sealed class Side(string name)
    {
        public string Name { get; } = name;
        public SortedDictionary<long, object?[]> Rows { get; } = new();
        public override string ToString() => string.Join(" ", Rows.Values.Select(Show));
    }

    private sealed record Pending(List<RowChange> Changes, bool Echo)
    {
        public HashSet<string> WriteSet { get; } = Changes.SelectMany(c => new[] { c.Before, c.After })
            .Where(i => i is not null).SelectMany(i => i![2] is { } u ? new[] { $"k{i[0]}", $"u{u}" } : [$"k{i[0]}"]).ToHashSet();
        public override string ToString() => (Echo ? "echo " : "") + string.Join("; ", Changes.Select(Show));
    }

    private static string Show(object?[] row) => $"{row[0]}:{row[1]}/{row[2] ?? "-"}@{row[3] ?? "N"}";

    private static string Show(RowChange change) =>
        $"{change.Kind}({(change.Before is null ? "" : Show((object?[])change.Before))}->{(change.After is null ? "" : Show((object?[])change.After))})";

    private object? Stamp(object?[]? previous, bool update)
    {
        _clock++;
        return _mode switch
        {
            StampMode.Coarse => _clock / 4,
            StampMode.Unset when update && previous is not null && _random.Next(3) == 0 => previous[3],
            StampMode.Nulls when _random.Next(5) == 0 => null,
            _ => _clock,
        };
    }

    private object? Unique() => _random.Next(4) == 0 ? null : (long)_random.Next(1, 4);

    private static bool Taken(Side side, object? unique, long except) => unique is not null && side.Rows.Values.Any(r => (long)r[0]! != except && Equals(r[2], unique));

    private long FreeKey(Side side)
    {
        var free = Enumerable.Range(1, Keys).Select(k => (long)k).Where(k => !side.Rows.ContainsKey(k)).ToList();
        return free.Count == 0 ? -1 : free[_random.Next(free.Count)];
    }

    private static RowChange Change(RowChangeKind kind, object?[]? before, object?[]? after) => new(kind, "db", "t", ColumnNames, before, after, null);

    /// <summary>One application transaction on a side: an insert, an update, a delete, a delete and insert again, or a key change.</summary>
    private void Write(Side side, List<Pending> outgoing)
    {
        var op = _random.Next(6);
        var changes = new List<RowChange>();
        if (op == 0 || side.Rows.Count == 0)
        {
            var id = FreeKey(side);
            object?[] row = [id, (long)_random.Next(100), Unique(), Stamp(null, false)];
            if (id < 0 || Taken(side, row[2], id)) return;
            side.Rows[id] = row;
            changes.Add(Change(RowChangeKind.Insert, null, row));
        }
        else
        {
            var keys = side.Rows.Keys.ToList();
            var id = keys[_random.Next(keys.Count)];
            var before = side.Rows[id];
            switch (op)
            {
                case 1 or 2:
                    object?[] after = [id, (long)_random.Next(100), _random.Next(3) == 0 ? Unique() : before[2], Stamp(before, true)];
                    if (Taken(side, after[2], id) || after.SequenceEqual(before)) return;
                    side.Rows[id] = after;
                    changes.Add(Change(RowChangeKind.Update, before, after));
                    break;
                case 3:
                    side.Rows.Remove(id);
                    changes.Add(Change(RowChangeKind.Delete, before, null));
                    break;
                case 4:
                    side.Rows.Remove(id);
                    changes.Add(Change(RowChangeKind.Delete, before, null));
                    object?[] again = [id, (long)_random.Next(100), Unique(), Stamp(null, false)];
                    if (!Taken(side, again[2], id))
                    {
                        side.Rows[id] = again;
                        changes.Add(Change(RowChangeKind.Insert, null, again));
                    }
                    break;
                default:
                    var to = FreeKey(side);
                    if (to < 0) return;
                    object?[] moved = [to, before[1], before[2], Stamp(before, true)];
                    side.Rows.Remove(id);
                    side.Rows[to] = moved;
                    changes.Add(Change(RowChangeKind.Update, before, moved));
                    break;
            }
        }
        var pending = new Pending(changes, false);
        Trace.AppendLine($"{side.Name} writes {pending}");
        outgoing.Add(pending);
    }

    /// <summary>
    /// Applies one of a direction's pending transactions to its target, as one target transaction; the deletes the
    /// applier made there come back to the other side as the binlog of that side carries them.
    /// </summary>
    private async Task DeliverAsync(List<Pending> queue, Side target, List<Pending> back, ConflictResolver resolver)
    {
        var ready = new List<int>();
        var earlier = new HashSet<string>();
        for (var i = 0; i < queue.Count; i++)
        {
            if (!queue[i].WriteSet.Overlaps(earlier)) ready.Add(i);
            earlier.UnionWith(queue[i].WriteSet);
        }
        var at = ready[_random.Next(ready.Count)];
        var pending = queue[at];
        queue.RemoveAt(at);
        var rows = new Rows(target);
        foreach (var change in pending.Changes)
        {
            var keyChanged = change.Kind == RowChangeKind.Update && !Equals(change.Before![0], change.After![0]);
            try
            {
                if (await resolver.ResolveAsync(rows, Rule, change, keyChanged, CancellationToken.None).ConfigureAwait(false) is not null) Conflicts++;
            }
            catch (Errors.OmsException e)
            {
                Trace.AppendLine($"  {target.Name} fails on {Show(change)} with {target}: {e.Message}");
                throw;
            }
        }
        Trace.AppendLine($"  {target.Name} applies {pending} => {target}");
        if (LoopFilter.EchoesOf(rows.Written, row => row.Kind == RowChangeKind.Update && !Equals(row.Before![0], row.After![0])) is { } echoes)
        {
            Echoes += echoes.Count;
            back.Add(new Pending(echoes.Cast<RowChange>().ToList(), true));
        }
    }

    /// <summary>A side's table as the resolver reads and writes it; what it writes is kept, as the side's binlog would.</summary>
    private sealed class Rows(Side side) : IConflictRows
    {
        public List<RowChange> Written { get; } = [];
        public string Table => "db.t";
        public bool HasOtherUniqueKeys => true;
        public string KeyJson(IReadOnlyList<object?> image) => $"{image[0]}";
        public string RowJson(IReadOnlyList<object?> image) => Show((object?[])image);
        public VersionStamp StampOf(IReadOnlyList<object?> image) => VersionStamp.Of(image[3]);

        private HeldRow Held(object?[] row, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after) =>
            new(before is not null && row.SequenceEqual(before), after is not null && row.SequenceEqual(after), VersionStamp.Of(row[3]), $"{row[0]}", Show(row));

        public Task<HeldRow?> ReadAsync(IReadOnlyList<object?> keyImage, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, CancellationToken cancellationToken) =>
            Task.FromResult(side.Rows.TryGetValue((long)keyImage[0]!, out var row) ? Held(row, before, after) : null);

        public Task<IReadOnlyList<HeldRow>> HoldersAsync(IReadOnlyList<object?> image, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<HeldRow>>(image[2] is null ? []
                : side.Rows.Values.Where(r => !Equals(r[0], image[0]) && Equals(r[2], image[2])).Select(r => Held(r, null, null)).ToList());

        public Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken)
        {
            var id = (long)after[0]!;
            if (side.Rows.ContainsKey(id) || Taken(side, after[2], id)) return Task.FromResult(false);
            side.Rows[id] = after.ToArray();
            Written.Add(Change(RowChangeKind.Insert, null, side.Rows[id]));
            return Task.FromResult(true);
        }

        public Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken)
        {
            var (from, to) = (long.Parse(row.Where), (long)after[0]!);
            if (from != to && side.Rows.ContainsKey(to) || side.Rows.Values.Any(r => (long)r[0]! != from && (long)r[0]! != to && after[2] is not null && Equals(r[2], after[2])))
                return Task.FromResult(false);
            var before = side.Rows[from];
            side.Rows.Remove(from);
            side.Rows[to] = after.ToArray();
            Written.Add(Change(RowChangeKind.Update, before, side.Rows[to]));
            return Task.FromResult(true);
        }

        public Task DeleteAsync(HeldRow row, CancellationToken cancellationToken)
        {
            var id = long.Parse(row.Where);
            Written.Add(Change(RowChangeKind.Delete, side.Rows[id], null));
            side.Rows.Remove(id);
            return Task.CompletedTask;
        }
    }
}
