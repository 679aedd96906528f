using System.Globalization;
using System.Text;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Splits a batch of whole source transactions into groups that can commit side by side: two transactions share a
/// group when their write sets meet (the row keys and unique keys their rows had or took on, and the parent keys their
/// foreign keys reference, as MySQL's WRITESET dependency tracking records them), so every transaction that depends on
/// another is applied after it, in source order, in the same target transaction. A transaction is never split.
/// </summary>
/// <remarks>
/// A delete or key change whose foreign key actions the target performs (a cascade the source did not log) changes rows
/// no image names: its transaction joins every transaction of the batch that touches a table those actions may reach.
/// Write-set elements are hashes; a collision only joins two groups, never separates dependent transactions. A key
/// column whose collation makes different bytes equal is left out of the hash (coarser, still safe); a table without
/// a key, or a unique key none of whose columns hash exactly, puts every transaction that touches the table together.
/// </remarks>
internal static class TransactionGroups
{
    /// <summary>
    /// Groups of transaction indexes, each in source order, at most <paramref name="lanes"/>, balanced by rows; one
    /// group when the batch's transactions all depend on each other.
    /// </summary>
    public static List<List<int>> Split(IReadOnlyList<IReadOnlyList<(TableApplyPlan Plan, RowChange Change)>> transactions, int lanes)
    {
        var parent = new int[transactions.Count];
        for (var i = 0; i < parent.Length; i++) parent[i] = i;
        var owner = new Dictionary<ulong, int>();
        var elements = new List<ulong>();
        // The tables the batch's cascades may reach, which every transaction touching them must meet.
        var reached = transactions.SelectMany(t => t).Where(c => c.Plan.Cascades(c.Change)).SelectMany(c => c.Plan.Cascading.Tables).ToHashSet(StringComparer.Ordinal);
        for (var t = 0; t < transactions.Count; t++)
        {
            elements.Clear();
            foreach (var (plan, change) in transactions[t])
            {
                WriteSet(plan, change, elements);
                if (reached.Count == 0) continue;
                var name = $"{plan.Table.Mapping.TargetDatabase}.{plan.Table.Mapping.TargetTable}";
                if (reached.Contains(name)) elements.Add(Fnv(Seed, "cascade " + name));
                if (plan.Cascades(change))
                    foreach (var table in plan.Cascading.Tables) elements.Add(Fnv(Seed, "cascade " + table));
            }
            foreach (var element in elements)
            {
                if (owner.TryGetValue(element, out var other)) Union(parent, t, other);
                else owner[element] = t;
            }
        }

        var components = new Dictionary<int, List<int>>();
        for (var t = 0; t < transactions.Count; t++)
        {
            var root = Find(parent, t);
            if (!components.TryGetValue(root, out var members)) components[root] = members = [];
            members.Add(t);
        }
        var groups = new List<List<int>>();
        var load = new List<long>();
        // Largest first, each into the lightest group: a simple balance by rows.
        foreach (var component in components.Values.OrderByDescending(c => c.Sum(t => transactions[t].Count)))
        {
            var rows = component.Sum(t => (long)transactions[t].Count);
            if (groups.Count < lanes)
            {
                groups.Add([.. component]);
                load.Add(rows);
                continue;
            }
            var lightest = load.IndexOf(load.Min());
            groups[lightest].AddRange(component);
            load[lightest] += rows;
        }
        foreach (var group in groups) group.Sort();
        return groups;
    }

    /// <summary>The write-set elements of one row change.</summary>
    internal static void WriteSet(TableApplyPlan plan, RowChange change, List<ulong> elements)
    {
        var table = Fnv(Seed, plan.Target);
        foreach (var link in plan.Links)
            foreach (var image in new[] { change.Before, change.After })
            {
                if (image is null) continue;
                var name = Fnv(Seed, "link " + link.Name);
                if (!link.Exact) elements.Add(name);
                else if (Hash(name, 0, link.Columns, image, nullsMeet: false) is { } hash) elements.Add(hash);
            }
        if (!plan.HasKey || plan.LaneKeyColumns.Count == 0)
        {
            elements.Add(table);
            return;
        }
        foreach (var image in new[] { change.Before, change.After })
        {
            if (image is null) continue;
            elements.Add(Hash(table, 0, plan.LaneKeyColumns.Select(k => k.Index), image, nullsMeet: true)!.Value);
            for (var u = 0; u < plan.UniqueKeys.Count; u++)
            {
                var unique = plan.UniqueKeys[u];
                if (unique.Count == 0) elements.Add(Fnv(table, $"unique {u}"));
                else if (Hash(table, u + 1, unique, image, nullsMeet: false) is { } hash) elements.Add(hash);
            }
        }
    }

    // Null when a value is NULL and NULLs do not meet: they never collide in a unique key, nor reference a parent.
    private static ulong? Hash(ulong table, int key, IEnumerable<int> columns, IReadOnlyList<object?> image, bool nullsMeet)
    {
        var hash = Fnv(table, key.ToString(CultureInfo.InvariantCulture));
        foreach (var index in columns)
        {
            if (image[index] is not { } value) return nullsMeet ? Fnv(hash, "\0null") : null;
            hash = Fnv(hash, Canonical(value));
        }
        return hash;
    }

    private const ulong Seed = 14695981039346656037UL;

    private static string Canonical(object value) => value switch
    {
        byte[] bytes => Convert.ToHexString(bytes),
        MySqlText text => Convert.ToHexString(text.Bytes.Span),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static ulong Fnv(ulong hash, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 1099511628211UL;
        return (hash ^ 0xff) * 1099511628211UL; // a separator, so ("ab","c") and ("a","bc") differ
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var (ra, rb) = (Find(parent, a), Find(parent, b));
        if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }
}
