using System.Text.Json;

namespace OmsSync.Engine.Verification;

/// <summary>Rows as verification reads them: whether two images agree, and how they are shown.</summary>
internal static class RowImages
{
    /// <summary>True when two images of a row agree in every compared column.</summary>
    public static bool Same(TableComparePlan plan, RowImage source, RowImage target)
    {
        for (var i = 0; i < plan.Columns.Count; i++)
            if (!plan.Columns[i].Same(source.Values[i], target.Values[i]))
                return false;
        return true;
    }

    /// <summary>The row as JSON, column to text (binary values as 0x-hex).</summary>
    public static string Json(TableComparePlan plan, RowImage row) =>
        JsonSerializer.Serialize(plan.Columns.Select((c, i) => (c.Name, row.Display[i])).ToDictionary(p => p.Name, p => p.Item2));

    /// <summary>The key as JSON, column to text; null for a table without a key.</summary>
    public static string? KeyJson(TableComparePlan plan, RowImage row) => plan.HasKey
        ? JsonSerializer.Serialize(plan.KeyIndexes.ToDictionary(i => plan.Columns[i].Name, i => row.Display[i]))
        : null;
}
