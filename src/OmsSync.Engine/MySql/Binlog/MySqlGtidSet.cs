using System.Globalization;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// A MySQL GTID set as @@gtid_executed prints it ("3e11fa47-...:1-5:7-9,..."). Immutable;
/// sources are kept in UUID text order with merged, sorted intervals.
/// </summary>
public sealed class MySqlGtidSet : IEquatable<MySqlGtidSet>
{
    public static readonly MySqlGtidSet Empty = new(new SortedDictionary<string, GtidInterval[]>(StringComparer.Ordinal));

    private readonly SortedDictionary<string, GtidInterval[]> _sources;

    private MySqlGtidSet(SortedDictionary<string, GtidInterval[]> sources) => _sources = sources;

    public IReadOnlyList<KeyValuePair<Guid, IReadOnlyList<GtidInterval>>> Sources =>
        _sources.Select(s => new KeyValuePair<Guid, IReadOnlyList<GtidInterval>>(Guid.Parse(s.Key), s.Value)).ToList();

    public bool IsEmpty => _sources.Count == 0;

    public static MySqlGtidSet Parse(string text)
    {
        var set = Empty;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length < 2 || !Guid.TryParse(pieces[0], out var uuid))
                throw new FormatException($"'{part}' is not a GTID set element (uuid:interval[:interval...]).");
            foreach (var range in pieces.AsSpan(1))
            {
                var dash = range.IndexOf('-');
                var start = ParseNumber(dash < 0 ? range : range[..dash], text);
                var end = dash < 0 ? start : ParseNumber(range[(dash + 1)..], text);
                if (start < 1 || end < start) throw new FormatException($"Bad interval '{range}' in '{text}'.");
                set = set.Add(uuid, new GtidInterval(start, end));
            }
        }
        return set;
    }

    private static long ParseNumber(string value, string text) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"Bad number '{value}' in GTID set '{text}'.");

    public MySqlGtidSet Add(Guid source, long transactionNumber) => Add(source, new GtidInterval(transactionNumber, transactionNumber));

    public MySqlGtidSet Add(Guid source, GtidInterval interval)
    {
        var key = source.ToString("D");
        var existing = _sources.TryGetValue(key, out var list) ? list : [];
        var merged = Merge(existing, interval);
        if (merged is null) return this;
        var copy = new SortedDictionary<string, GtidInterval[]>(_sources, StringComparer.Ordinal) { [key] = merged };
        return new MySqlGtidSet(copy);
    }

    public MySqlGtidSet Union(MySqlGtidSet other)
    {
        var result = this;
        foreach (var (key, intervals) in other._sources)
            foreach (var interval in intervals)
                result = result.Add(Guid.Parse(key), interval);
        return result;
    }

    public bool Contains(Guid source, long transactionNumber) =>
        _sources.TryGetValue(source.ToString("D"), out var list) && list.Any(i => i.Start <= transactionNumber && transactionNumber <= i.End);

    /// <summary>The intervals with <paramref name="add"/> merged in, or null when it was already covered.</summary>
    private static GtidInterval[]? Merge(GtidInterval[] intervals, GtidInterval add)
    {
        if (intervals.Any(i => i.Start <= add.Start && add.End <= i.End)) return null;
        var result = new List<GtidInterval>(intervals.Length + 1);
        var pending = add;
        var placed = false;
        foreach (var i in intervals)
        {
            if (placed) { result.Add(i); continue; }
            if (i.End + 1 < pending.Start) result.Add(i);
            else if (pending.End + 1 < i.Start) { result.Add(pending); result.Add(i); placed = true; }
            else pending = new GtidInterval(Math.Min(i.Start, pending.Start), Math.Max(i.End, pending.End));
        }
        if (!placed) result.Add(pending);
        return [.. result];
    }

    public override string ToString() =>
        string.Join(",", _sources.Select(s => s.Key + ":" + string.Join(":", s.Value)));

    public bool Equals(MySqlGtidSet? other) => other is not null && ToString() == other.ToString();
    public override bool Equals(object? obj) => Equals(obj as MySqlGtidSet);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
