using OmsSync.Engine.Schema;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// How row changes of one source table are written to its target table: which image positions feed which
/// target columns, and which columns identify a row.
/// </summary>
internal sealed class TableApplyPlan
{
    public TableApplyPlan(TaskTable table, IReadOnlyList<string?> imageColumns)
    {
        Table = table;
        var moving = FullLoad.MovingColumns.Of(table.Schema, table.Mapping);
        ColumnSchemas = moving;
        _imageColumns = imageColumns;
        Columns = moving.Select(c => (c.Name, Index: IndexOf(imageColumns, c.Name))).ToList();
        var key = table.Schema.RowKey;
        HasKey = key is not null;
        KeyColumns = key is null
            ? Columns
            : key.Columns.Select(k => (k.Name, Index: IndexOf(imageColumns, k.Name))).ToList();
        Target = MySqlSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable);
        CanSpread = LaneRouter.CanSpread(table.Schema);
        LaneSeed = LaneRouter.Seed(Target);
        LaneKeyColumns = key is null ? [] : key.Columns
            .Where(k => LaneRouter.HashesExactly(table.Schema.Column(k.Name)))
            .Select(k => (IndexOf(imageColumns, k.Name), k.Name)).ToList();
        ColumnList = string.Join(", ", Columns.Select(c => MySqlSyntax.QuoteIdentifier(c.Name)));
    }

    private readonly IReadOnlyList<string?> _imageColumns;

    public TaskTable Table { get; }
    /// <summary>The moving columns' definitions, in the order of <see cref="Columns"/>.</summary>
    public IReadOnlyList<ColumnSchema> ColumnSchemas { get; }
    /// <summary>How conflicts on this table are handled now; the runner renews it when the task's rules change.</summary>
    public Conflicts.ConflictRule Rule { get; set; } = Conflicts.ConflictRule.Default;

    /// <summary>The row image position of the rule's timestamp column (NewerWins).</summary>
    public (string Name, int Index) TimestampColumn(string name) => (Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).Name
        ?? throw new Errors.OmsException("TimestampColumnNotFound", Errors.OmsErrorKind.InvalidArgument, Table.Mapping.Source,
            $"The NewerWins conflict policy of '{Table.Mapping.Source}' names timestamp column '{name}', which the table does not have (or the task does not move). " +
            "Correct it with Set-OmsConflictPolicy -TimestampColumn."), IndexOf(_imageColumns, name));
    public IReadOnlyList<(string Name, int Index)> Columns { get; }
    public IReadOnlyList<(string Name, int Index)> KeyColumns { get; }
    public bool HasKey { get; }
    /// <summary>Whether the table's changes may spread over parallel apply lanes (see <see cref="LaneRouter"/>).</summary>
    public bool CanSpread { get; }
    /// <summary>Where the table's lane hashes start (see <see cref="LaneRouter"/>).</summary>
    public ulong LaneSeed { get; }
    /// <summary>The key columns a lane is chosen by (image position, name).</summary>
    public IReadOnlyList<(int Index, string Name)> LaneKeyColumns { get; }
    public string Target { get; }
    public string ColumnList { get; }
    /// <summary>Tables without a key match a row by all its columns and touch one row at a time.</summary>
    public string Limit => HasKey ? "" : " LIMIT 1";

    private int IndexOf(IReadOnlyList<string?> imageColumns, string name)
    {
        for (var i = 0; i < imageColumns.Count; i++)
            if (string.Equals(imageColumns[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        throw new Errors.OmsException("ColumnNotInBinlog", Errors.OmsErrorKind.DataError, Table.Mapping.Source,
            $"Column '{name}' of '{Table.Mapping.Source}' is not in the binlog's row image (the table changed shape?). " +
            "Enable DDL synchronization or check the source table.");
    }
}
