namespace OmsSync.Engine.Changes;

/// <summary>A TRUNCATE of a table, in its place among the transaction's row changes (PostgreSQL logs it as such).</summary>
public sealed class TruncateChange(string database, string table) : SourceChange(database)
{
    public string Table { get; } = table;
    public override string ToString() => $"TRUNCATE {Database}.{Table}";
}
