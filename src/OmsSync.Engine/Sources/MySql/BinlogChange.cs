namespace OmsSync.Engine.Sources.MySql;

/// <summary>One change inside a source transaction: a row change, a DDL, or a statement that was not logged as rows.</summary>
public abstract class BinlogChange
{
    private protected BinlogChange(string database) => Database = database;

    /// <summary>For rows, the table's database; for statements, the session's default database (empty when none).</summary>
    public string Database { get; }
}
