using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>The columns of a table that a task moves: its column filter applied, generated columns left to the target.</summary>
internal static class MovingColumns
{
    public static IReadOnlyList<ColumnSchema> Of(TableSchema source, TableMapping mapping)
    {
        var columns = source.Columns.Where(c => !c.IsGenerated);
        if (mapping.Columns is { } wanted)
        {
            var set = new HashSet<string>(wanted, StringComparer.OrdinalIgnoreCase);
            columns = columns.Where(c => set.Contains(c.Name));
        }
        return columns.OrderBy(c => c.Ordinal).ToList();
    }
}
