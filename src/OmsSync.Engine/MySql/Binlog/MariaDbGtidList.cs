namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// A MariaDB replication position: the last GTID applied in each domain, as
/// @@gtid_slave_pos / @@gtid_binlog_pos print it ("0-1-100,1-2-7"). Immutable.
/// </summary>
public sealed class MariaDbGtidList : IEquatable<MariaDbGtidList>
{
    public static readonly MariaDbGtidList Empty = new([]);

    private readonly MariaDbGtid[] _gtids; // one per domain, ordered by domain

    private MariaDbGtidList(MariaDbGtid[] gtids) => _gtids = gtids;

    public IReadOnlyList<MariaDbGtid> Gtids => _gtids;

    public static MariaDbGtidList Parse(string text)
    {
        var list = Empty;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var gtid = MariaDbGtid.Parse(part);
            if (list.Find(gtid.Domain) is not null) throw new FormatException($"Domain {gtid.Domain} appears twice in '{text}'.");
            list = list.With(gtid);
        }
        return list;
    }

    public static MariaDbGtidList From(IEnumerable<MariaDbGtid> gtids)
    {
        var list = Empty;
        foreach (var gtid in gtids) list = list.With(gtid);
        return list;
    }

    public MariaDbGtid? Find(uint domain)
    {
        foreach (var gtid in _gtids)
            if (gtid.Domain == domain) return gtid;
        return null;
    }

    /// <summary>The list with <paramref name="gtid"/> as its domain's position.</summary>
    public MariaDbGtidList With(MariaDbGtid gtid)
    {
        var index = Array.FindIndex(_gtids, g => g.Domain >= gtid.Domain);
        if (index >= 0 && _gtids[index].Domain == gtid.Domain)
        {
            if (_gtids[index] == gtid) return this;
            var copy = (MariaDbGtid[])_gtids.Clone();
            copy[index] = gtid;
            return new MariaDbGtidList(copy);
        }
        var insertAt = index < 0 ? _gtids.Length : index;
        return new MariaDbGtidList([.. _gtids[..insertAt], gtid, .. _gtids[insertAt..]]);
    }

    public override string ToString() => string.Join(",", _gtids);

    public bool Equals(MariaDbGtidList? other) => other is not null && _gtids.AsSpan().SequenceEqual(other._gtids);
    public override bool Equals(object? obj) => Equals(obj as MariaDbGtidList);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
