using OmsSync.Engine.Changes;
using System.Globalization;
using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.Sources.MySql.Values;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Spreads row changes over parallel apply lanes by a hash of the table and the row's key, so that every
/// change of one row goes to the same lane and keeps its order. A change that could meet a row of another
/// lane cannot be spread: a table without a key, a table with a unique key besides its row key (two rows
/// may trade a unique value), and an update that moves a row to a key of another lane.
/// </summary>
/// <remarks>
/// The hash must not depend on the process (lanes are recomputed after a restart) and must give equal keys
/// the same lane: text compared by a case- or accent-insensitive collation is left out of the hash, so such
/// rows only spread by their other key columns, or not at all.
/// </remarks>
internal static class LaneRouter
{
    public const int Unspreadable = -1;

    /// <summary>The lane of a change among <paramref name="lanes"/>, or <see cref="Unspreadable"/>.</summary>
    public static int LaneOf(TableApplyPlan plan, RowChange change, int lanes)
    {
        if (!plan.CanSpread) return Unspreadable;
        var image = change.Kind == RowChangeKind.Insert ? change.After! : change.Before!;
        var lane = Lane(plan, image, lanes);
        return change.Kind == RowChangeKind.Update && Lane(plan, change.After!, lanes) != lane ? Unspreadable : lane;
    }

    /// <summary>Whether rows of the table may spread over lanes at all.</summary>
    public static bool CanSpread(TableSchema schema)
    {
        var key = schema.RowKey;
        return key is not null && !schema.Indexes.Any(i => i.Kind is IndexKind.Primary or IndexKind.Unique && !ReferenceEquals(i, key));
    }

    /// <summary>Key columns whose stored value identifies the row byte for byte (no insensitive collation).</summary>
    public static bool HashesExactly(ColumnSchema column) =>
        column.Collation is null || column.Collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase)
        || column.DataType is not ("char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set");

    private static int Lane(TableApplyPlan plan, IReadOnlyList<object?> image, int lanes)
    {
        var hash = plan.LaneSeed;
        foreach (var (index, _) in plan.LaneKeyColumns)
            hash = Fnv(hash, Canonical(image[index]));
        return (int)(hash % (ulong)lanes);
    }

    /// <summary>The start of a table's key hashes: its target name, hashed once per plan rather than per change.</summary>
    public static ulong Seed(string target) => Fnv(14695981039346656037UL, target);

    private static string Canonical(object? value) => value switch
    {
        null => "\0null",
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
}
