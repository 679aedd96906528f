namespace OmsSync.Engine.Changes;

/// <summary>
/// The columns a table's rows arrive with from here on, as a source that describes its tables in the stream sends them
/// (a PostgreSQL relation message): where the stream itself says that a table changed shape.
/// </summary>
public sealed class ColumnsChange(string database, string table, IReadOnlyList<string?> columns) : SourceChange(database)
{
    public string Table { get; } = table;
    public IReadOnlyList<string?> Columns { get; } = columns;
    public override string ToString() => $"Columns of {Database}.{Table}: {string.Join(", ", Columns)}";
}
