namespace OmsSync.Engine.Sources.MySql;

/// <summary>A statement logged outside any BEGIN..COMMIT: a DDL such as CREATE/ALTER/DROP/RENAME/TRUNCATE.</summary>
public sealed class BinlogDdlChange(string database, string statement) : BinlogChange(database)
{
    public string Statement { get; } = statement;
    public override string ToString() => $"DDL [{Database}] {Statement}";
}
