using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>The columns of a table that a task moves: its column filter applied, generated columns left to the target.</summary>
internal static class MovingColumns
{
    public static IReadOnlyList<ColumnSchema> Of(TableSchema source, TableMapping mapping) => Selected(source, mapping, c => !c.IsGenerated);

    /// <summary>
    /// The columns verification compares: the moving ones, and the generated columns the target computes from a translated
    /// expression (<see cref="ColumnSchema.TargetGeneration"/>), whose values are the translation's proof.
    /// </summary>
    public static IReadOnlyList<ColumnSchema> Compared(TableSchema source, TableMapping mapping) =>
        Selected(source, mapping, c => !c.IsGenerated || c.TargetGeneration is not null);

    private static IReadOnlyList<ColumnSchema> Selected(TableSchema source, TableMapping mapping, Func<ColumnSchema, bool> moves)
    {
        var columns = source.Columns.Where(moves);
        if (mapping.Columns is { } wanted)
        {
            var set = new HashSet<string>(wanted, StringComparer.OrdinalIgnoreCase);
            columns = columns.Where(c => set.Contains(c.Name));
        }
        return columns.OrderBy(c => c.Ordinal).ToList();
    }
}
