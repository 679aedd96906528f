namespace OmsSync.Engine.Sources.MySql;

/// <summary>
/// A statement logged inside a transaction instead of its rows (binlog_format STATEMENT or MIXED).
/// It cannot be replayed row by row; a task should fail and ask for binlog_format=ROW.
/// </summary>
public sealed class BinlogStatementChange(string database, string statement) : BinlogChange(database)
{
    public string Statement { get; } = statement;
    public override string ToString() => $"Statement [{Database}] {Statement}";
}
