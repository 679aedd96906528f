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
}
