namespace OmsSync.Engine.Changes;

/// <summary>
/// A statement logged inside a transaction instead of its rows (a binlog in STATEMENT or MIXED format).
/// It cannot be replayed row by row; a task should fail and ask for row-based logging.
/// </summary>
public sealed class StatementChange(string database, string statement) : SourceChange(database)
{
    public string Statement { get; } = statement;
    public override string ToString() => $"Statement [{Database}] {Statement}";
}
