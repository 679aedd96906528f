using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>Everything needed to copy one table: the mapping, the columns that move, the chunks.</summary>
/// <remarks>Each provider names the tables and cuts the key in its own SQL (MySql/Copy/MySqlCopyPlan, PostgresChunkSource).</remarks>
internal sealed class TableCopyPlan
{
    /// <param name="transfer">How each column is read for the target, as the source's provider makes it for the target's kind.</param>
    public TableCopyPlan(TableMapping mapping, TableSchema source, IReadOnlyList<ColumnSchema> columns, Func<ColumnSchema, ColumnTransfer> transfer)
    {
        Mapping = mapping;
        Source = source;
        Columns = columns;
        Transfers = columns.Select(transfer).ToList();
    }

    public TableMapping Mapping { get; }
    public TableSchema Source { get; }
    /// <summary>The columns that move (the task's column filter applied; generated columns left to the target).</summary>
    public IReadOnlyList<ColumnSchema> Columns { get; }
    public IReadOnlyList<ColumnTransfer> Transfers { get; }
    public IReadOnlyList<Chunk> Chunks { get; set; } = [];
    public long RowsEstimate { get; set; }
}
