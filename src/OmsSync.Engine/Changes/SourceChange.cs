namespace OmsSync.Engine.Changes;

/// <summary>One change inside a source transaction: a row change, a DDL, a TRUNCATE, or a statement that was not logged as rows.</summary>
public abstract class SourceChange
{
    private protected SourceChange(string database) => Database = database;

    /// <summary>For rows, the table's database (a PostgreSQL schema); for statements, the session's default database (empty when none).</summary>
    public string Database { get; }
}
