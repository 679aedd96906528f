namespace OmsSync.Engine.Schema;

public enum SchemaObjectKind { Table, View }

/// <summary>A table or view found on a server.</summary>
public sealed record SchemaObject(string Database, string Name, SchemaObjectKind Kind)
{
    public string QualifiedName => $"{Database}.{Name}";
}
