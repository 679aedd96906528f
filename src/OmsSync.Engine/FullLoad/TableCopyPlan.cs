using OmsSync.Engine.Connections;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>Everything needed to copy one table: the mapping, the columns that move, the key, the chunks.</summary>
internal sealed class TableCopyPlan
{
    public TableCopyPlan(TableMapping mapping, TableSchema source, IReadOnlyList<ColumnSchema> columns)
    {
        Mapping = mapping;
        Source = source;
        Columns = columns;
        Transfers = columns.Select(ColumnTransfer.For).ToList();
        var rowKey = source.RowKey;
        Key = rowKey is null ? null : new ChunkKey(rowKey.Columns.Select(c => source.Column(c.Name)).ToList());
    }

    public TableMapping Mapping { get; }
    public TableSchema Source { get; }
    /// <summary>The columns that move (the task's column filter applied; generated columns left to the target).</summary>
    public IReadOnlyList<ColumnSchema> Columns { get; }
    public IReadOnlyList<ColumnTransfer> Transfers { get; }
    public ChunkKey? Key { get; }
    public IReadOnlyList<Chunk> Chunks { get; set; } = [];
    public long RowsEstimate { get; set; }

    public string SourceName => MySqlEndpoint.Quote(Mapping.SourceDatabase, Mapping.SourceTable);
    public string TargetName => MySqlEndpoint.Quote(Mapping.TargetDatabase, Mapping.TargetTable);

    public static IReadOnlyList<ColumnSchema> MovingColumns(TableSchema source, TableMapping mapping)
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
