using System.Globalization;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;

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

    /// <summary>The hashes of a plan's table and link names, made once per plan rather than once per row change.</summary>
    private sealed class PlanNames(TableApplyPlan plan)
    {
        public ulong Table { get; } = Fnv(Fnv(Seed, plan.Table.Mapping.TargetDatabase), plan.Table.Mapping.TargetTable);
        public ulong[] Links { get; } = plan.Links.Select(link => Fnv(Fnv(Seed, "link "), link.Name)).ToArray();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TableApplyPlan, PlanNames> Names = new();

    /// <summary>The write-set elements of one row change.</summary>
    internal static void WriteSet(TableApplyPlan plan, RowChange change, List<ulong> elements)
    {
        var names = Names.GetValue(plan, p => new PlanNames(p));
        var table = names.Table;
        for (var l = 0; l < plan.Links.Count; l++)
        {
            var link = plan.Links[l];
            var name = names.Links[l];
            if (!link.Exact)
            {
                if (change.Before is not null) elements.Add(name);
                if (change.After is not null) elements.Add(name);
                continue;
            }
            if (change.Before is { } linkBefore && Hash(name, 0, link.Columns, linkBefore, nullsMeet: false) is { } before) elements.Add(before);
            if (change.After is { } linkAfter && Hash(name, 0, link.Columns, linkAfter, nullsMeet: false) is { } after) elements.Add(after);
        }
        if (!plan.HasKey || plan.LaneKeyColumns.Count == 0)
        {
            elements.Add(table);
            return;
        }
        if (change.Before is { } beforeImage) KeyElements(plan, table, beforeImage, elements);
        if (change.After is { } afterImage) KeyElements(plan, table, afterImage, elements);
    }

    private static void KeyElements(TableApplyPlan plan, ulong table, IReadOnlyList<object?> image, List<ulong> elements)
    {
        var key = Mix(table, 0);
        foreach (var (index, _) in plan.LaneKeyColumns)
            key = image[index] is { } value ? Value(key, value) : Fnv(key, "\0null");
        elements.Add(key);
        for (var u = 0; u < plan.UniqueKeys.Count; u++)
        {
            var unique = plan.UniqueKeys[u];
            if (unique.Count == 0) elements.Add(Fnv(Mix(table, u + 1), "unique"));
            else if (Hash(table, u + 1, unique, image, nullsMeet: false) is { } hash) elements.Add(hash);
        }
    }

    // Null when a value is NULL and NULLs do not meet: they never collide in a unique key, nor reference a parent.
    private static ulong? Hash(ulong table, int key, IReadOnlyList<int> columns, IReadOnlyList<object?> image, bool nullsMeet)
    {
        var hash = Mix(table, key);
        foreach (var index in columns)
        {
            if (image[index] is not { } value) return nullsMeet ? Fnv(hash, "\0null") : null;
            hash = Value(hash, value);
        }
        return hash;
    }

    private const ulong Seed = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    // A value by its canonical text (bytes as hex, numbers and times in the invariant culture), without making the text:
    // the same value gives the same hash whichever column or image it comes from, as the parent's key and a child's reference must.
    private static ulong Value(ulong hash, object value)
    {
        switch (value)
        {
            case byte[] bytes: return Hex(hash, bytes);
            case IEncodedText text: return Hex(hash, text.Bytes.Span);
            case string text: return Fnv(hash, text);
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[64];
                return formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture)
                    ? Fnv(hash, buffer[..written])
                    : Fnv(hash, formattable.ToString(null, CultureInfo.InvariantCulture));
            case IFormattable formattable: return Fnv(hash, formattable.ToString(null, CultureInfo.InvariantCulture));
            default: return Fnv(hash, value.ToString() ?? "");
        }
    }

    private static ulong Hex(ulong hash, ReadOnlySpan<byte> bytes)
    {
        const string digits = "0123456789ABCDEF";
        foreach (var b in bytes)
        {
            hash = (hash ^ digits[b >> 4]) * Prime;
            hash = (hash ^ digits[b & 0xf]) * Prime;
        }
        return (hash ^ 0xff) * Prime;
    }

    private static ulong Mix(ulong hash, int number)
    {
        for (var i = 0; i < 4; i++) hash = (hash ^ (byte)(number >> (8 * i))) * Prime;
        return (hash ^ 0xfe) * Prime;
    }

    private static ulong Fnv(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            if (c > 0xff) hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return (hash ^ 0xff) * Prime; // a separator, so ("ab","c") and ("a","bc") differ
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
