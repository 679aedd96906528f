using OmsSync.Engine.Model;

namespace OmsSync.Engine.Changes;

/// <summary>
/// One row inserted, updated or deleted. Images hold one value per table column in table order,
/// following the convention documented on the row decoder (long/ulong, MySqlDecimal, MySqlText, ...);
/// a column the image does not carry is <see cref="ColumnNotLogged.Value"/>.
/// </summary>
public sealed class RowChange : SourceChange
{
    public RowChange(RowChangeKind kind, string database, string table, IReadOnlyList<string?> columnNames,
        IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, TableSchema? schema)
        : base(database)
    {
        Kind = kind;
        Table = table;
        ColumnNames = columnNames;
        Before = before;
        After = after;
        Schema = schema;
    }

    public RowChangeKind Kind { get; }
    public string Table { get; }
    /// <summary>Column names from the binlog (binlog_row_metadata=FULL) or the schema provider; null entries when neither knew.</summary>
    public IReadOnlyList<string?> ColumnNames { get; }
    /// <summary>The row before the change (updates and deletes).</summary>
    public IReadOnlyList<object?>? Before { get; }
    /// <summary>The row after the change (inserts and updates).</summary>
    public IReadOnlyList<object?>? After { get; }
    /// <summary>
    /// Whether <see cref="Before"/> is the whole row as it was; false when the source sent only its key, or nothing because
    /// the key did not change (PostgreSQL without REPLICA IDENTITY FULL), so the after-image stands in for it.
    /// </summary>
    public bool WholeBefore { get; init; } = true;

    /// <summary>The schema the values were decoded with, when the provider supplied one.</summary>
    public TableSchema? Schema { get; }
    /// <summary>
    /// A delete the task's other direction applied on this source, coming back to the side it came from (NewerWins: how
    /// a side learns the version of what it deleted itself; see Conflicts/README.md).
    /// </summary>
    public bool IsEcho { get; init; }

    public string QualifiedName => $"{Database}.{Table}";

    /// <summary>A value of the after image (or before image for deletes) by column name.</summary>
    public object? this[string column]
    {
        get
        {
            var index = -1;
            for (var i = 0; i < ColumnNames.Count; i++)
                if (string.Equals(ColumnNames[i], column, StringComparison.OrdinalIgnoreCase)) { index = i; break; }
            if (index < 0) throw new KeyNotFoundException($"Column '{column}' is not known for {QualifiedName}.");
            return (After ?? Before)![index];
        }
    }

    public override string ToString() => $"{Kind} {QualifiedName}";
}
