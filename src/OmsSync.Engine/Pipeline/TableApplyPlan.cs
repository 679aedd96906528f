using System.Runtime.CompilerServices;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// How row changes of one source table are written to its target table: which image positions feed which
/// target columns, and which columns identify a row. Each target names the table and its columns in its own SQL
/// (MySql/Apply/MySqlApplyPlan, Postgres/Apply/PostgresTablePlan).
/// </summary>
internal sealed class TableApplyPlan
{
    /// <param name="missing">Columns the images this plan writes do not carry (left as they are on the target); null for none.</param>
    public TableApplyPlan(TaskTable table, IReadOnlyList<string?> imageColumns, IReadOnlySet<string>? missing = null)
    {
        Table = table;
        Missing = missing;
        var moving = FullLoad.MovingColumns.Of(table.Schema, table.Mapping);
        ColumnSchemas = moving;
        _imageColumns = imageColumns;
        Columns = moving.Select(c => (c.Name, Index: IndexOf(imageColumns, c.Name))).ToList();
        var key = table.Schema.RowKey;
        HasKey = key is not null;
        KeyColumns = key is null
            ? Columns
            : key.Columns.Select(k => (k.Name, Index: IndexOf(imageColumns, k.Name))).ToList();
        LaneKeyColumns = key is null ? [] : key.Columns
            .Where(k => HashesExactly(table.Schema.Column(k.Name)))
            .Select(k => (IndexOf(imageColumns, k.Name), k.Name)).ToList();
        UniqueKeys = table.Schema.Indexes
            .Where(i => i.Kind is IndexKind.Primary or IndexKind.Unique && !ReferenceEquals(i, key))
            .Select(i => (IReadOnlyList<int>)i.Columns
                .Where(c => table.Schema.Columns.Any(s => string.Equals(s.Name, c.Name, StringComparison.OrdinalIgnoreCase)) && HashesExactly(table.Schema.Column(c.Name)))
                .Select(c => TryIndexOf(imageColumns, c.Name)).Where(i => i >= 0).ToList())
            .ToList();
        OtherUniqueKeys = table.Schema.Indexes
            .Where(i => i.Kind is IndexKind.Primary or IndexKind.Unique && !ReferenceEquals(i, key)
                        && i.Columns.All(c => c.PrefixLength is null && moving.Any(m => string.Equals(m.Name, c.Name, StringComparison.OrdinalIgnoreCase))))
            .Select(i => (IReadOnlyList<(string Name, int Index)>)i.Columns.Select(c => (c.Name, IndexOf(imageColumns, c.Name))).ToList())
            .ToList();
    }

    /// <summary>The table's primary and unique keys besides the row key (whole columns the task moves), as (name, image position).</summary>
    public IReadOnlyList<IReadOnlyList<(string Name, int Index)>> OtherUniqueKeys { get; }

    private readonly IReadOnlyList<string?> _imageColumns;

    /// <summary>Columns the images this plan writes do not carry; null for none.</summary>
    public IReadOnlySet<string>? Missing { get; }

    /// <summary>Whether rows with these image columns, lacking these, are written by this plan.</summary>
    public bool Matches(IReadOnlyList<string?> imageColumns, IReadOnlySet<string>? missing) =>
        (ReferenceEquals(imageColumns, _imageColumns) || imageColumns.SequenceEqual(_imageColumns))
        && (missing is null ? Missing is null : Missing is not null && missing.SetEquals(Missing));

    public TaskTable Table { get; }
    /// <summary>The moving columns' definitions, in the order of <see cref="Columns"/>.</summary>
    public IReadOnlyList<ColumnSchema> ColumnSchemas { get; }
    /// <summary>How conflicts on this table are handled now; the runner renews it when the task's rules change.</summary>
    public Conflicts.ConflictRule Rule
    {
        get => _rule;
        set
        {
            _rule = value;
            _timestamp = null; // the new rule may name another column, or none
        }
    }

    private Conflicts.ConflictRule _rule = Conflicts.ConflictRule.Default;
    // Boxed so that lanes reading it at once see either nothing yet or the whole answer.
    private StrongBox<(string Name, int Index)?>? _timestamp;

    /// <summary>
    /// The rule's NewerWins timestamp column (name, image position), null when the rule compares none. Found and checked
    /// the first time a conflict needs it after the rule is set; a column that does not fit throws every time it is asked for.
    /// </summary>
    public (string Name, int Index)? NewerWinsTimestamp =>
        (_timestamp ??= new(Rule is { Policy: Conflicts.ConflictPolicy.NewerWins, TimestampColumn: { } name } ? TimestampColumn(name) : null)).Value;

    private (string Name, int Index) TimestampColumn(string name)
    {
        var found = Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).Name
            ?? throw new Errors.OmsException("TimestampColumnNotFound", Errors.OmsErrorKind.InvalidArgument, Table.Mapping.Source,
                $"The NewerWins conflict policy of '{Table.Mapping.Source}' names timestamp column '{name}', which the table does not have (or the task does not move). " +
                "Correct it with Set-OmsConflictPolicy -TimestampColumn.");
        if (Conflicts.ConflictRuleCheck.UnfitTimestamp(Table.Schema.Column(found)) is { } problem)
            throw new Errors.OmsException("TimestampColumnType", Errors.OmsErrorKind.InvalidArgument, Table.Mapping.Source,
                $"The NewerWins conflict policy of '{Table.Mapping.Source}' names timestamp column '{found}', which {problem}");
        return (found, IndexOf(_imageColumns, found));
    }
    public IReadOnlyList<(string Name, int Index)> Columns { get; }
    public IReadOnlyList<(string Name, int Index)> KeyColumns { get; }
    public bool HasKey { get; }
    /// <summary>The row key's columns whose stored value identifies the row byte for byte (image position, name): what write sets hash.</summary>
    public IReadOnlyList<(int Index, string Name)> LaneKeyColumns { get; }
    /// <summary>The table's other unique keys, each as the image positions of its columns that hash exactly (empty: none does).</summary>
    public IReadOnlyList<IReadOnlyList<int>> UniqueKeys { get; }

    /// <summary>
    /// The keys foreign keys link this table by, as write-set elements name them: the parent keys its rows reference, and
    /// its own keys that rows of other task tables reference (set by <see cref="ApplyPlans"/>, which knows every table).
    /// </summary>
    public IReadOnlyList<KeyLink> Links { get; init; } = [];

    /// <summary>
    /// What the target's foreign keys must do when this table's rows go or their referenced keys change, because the
    /// source does not log what its own did (MariaDB, MySQL before 9.6): whether deletes cascade, which columns' changes
    /// cascade, and every table such actions may change (directly or further down). Empty when nothing cascades.
    /// </summary>
    public Cascade Cascading { get; init; } = Cascade.None;

    /// <summary>
    /// Whether the change is an update that gives its row another key: the target then has a row to leave at the old key
    /// and one to arrive at the new. Key values are compared as decoded (binary ones byte for byte), whatever the target.
    /// </summary>
    public bool MovesKey(RowChange change) =>
        change.Kind == RowChangeKind.Update && HasKey
        && KeyColumns.Any(k => !Equals(change.Before![k.Index], change.After![k.Index])
                               && !(change.Before![k.Index] is byte[] a && change.After![k.Index] is byte[] b && a.AsSpan().SequenceEqual(b)));

    /// <summary>True for a change whose foreign key actions the target must perform (see <see cref="Cascading"/>).</summary>
    public bool Cascades(RowChange change) => Cascading.Tables.Count > 0 && change.Kind switch
    {
        RowChangeKind.Delete => Cascading.OnDelete,
        RowChangeKind.Update => Cascading.OnUpdate.Count > 0 && change.Before is { } before && change.After is { } after
                                && Columns.Any(c => Cascading.OnUpdate.Contains(c.Name) && !Equals(before[c.Index], after[c.Index])),
        _ => false,
    };

    /// <summary>Key columns whose stored value identifies the row byte for byte (no case- or accent-insensitive collation).</summary>
    internal static bool HashesExactly(ColumnSchema? column) =>
        column is null || column.Collation is null || column.Collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase)
        || column.DataType is not ("char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set");

    private static int TryIndexOf(IReadOnlyList<string?> imageColumns, string name)
    {
        for (var i = 0; i < imageColumns.Count; i++)
            if (string.Equals(imageColumns[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        return -1;
    }

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
