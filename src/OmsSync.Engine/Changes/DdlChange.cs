namespace OmsSync.Engine.Changes;

/// <summary>A schema change statement logged by the source (CREATE/ALTER/DROP/RENAME/TRUNCATE ...), as the source's own SQL.</summary>
public sealed class DdlChange(string database, string statement) : SourceChange(database)
{
    public string Statement { get; } = statement;
    public override string ToString() => $"DDL [{Database}] {Statement}";
}
