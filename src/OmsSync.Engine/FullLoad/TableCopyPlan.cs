using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>Everything needed to copy one table: the mapping, the columns that move, the key, the chunks.</summary>
internal sealed class TableCopyPlan
{
    /// <param name="transfer">How each column is read for the target; MySQL to MySQL when not given.</param>
    public TableCopyPlan(TableMapping mapping, TableSchema source, IReadOnlyList<ColumnSchema> columns, Func<ColumnSchema, ColumnTransfer>? transfer = null)
    {
        Mapping = mapping;
        Source = source;
        Columns = columns;
        Transfers = columns.Select(transfer ?? ColumnTransfer.For).ToList();
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

    /// <summary>The source table as the copy reads it: every row version of a system-versioned table, only the task's partitions of a partitioned one.</summary>
    public string SourceName => MySqlSyntax.AllRowsOf(Mapping.SourceDatabase, Mapping.SourceTable, Source.Versioning is not null, Mapping.Partitions);
    public string TargetName => MySqlSyntax.QuoteQualified(Mapping.TargetDatabase, Mapping.TargetTable);

    /// <summary>
    /// The chunk's key range as a condition, its bounds added to <paramref name="command"/> as parameters; TRUE for
    /// an unbounded chunk. The text does not depend on the command, so it may be built once and bound elsewhere.
    /// </summary>
    public string KeyRange(Chunk chunk, MySqlConnector.MySqlCommand command) => Key?.Range(chunk, command) ?? "TRUE";
}
