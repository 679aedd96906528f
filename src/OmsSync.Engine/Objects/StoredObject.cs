namespace OmsSync.Engine.Objects;

/// <summary>
/// An object beyond tables and views, read from a task's source: a routine, trigger, event or sequence, or one that is
/// only listed (a PostgreSQL function, a MariaDB package) because no target it could go to runs its language.
/// </summary>
public abstract record StoredObject(StoredObjectKind Kind, string Database, string Name)
{
    public string QualifiedName => $"{Database}.{Name}";

    /// <summary>"procedure shop.restock", as messages name it.</summary>
    public sealed override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {QualifiedName}";
}

/// <summary>An object of a kind that is only listed, never carried: what it is and why it stays.</summary>
public sealed record ListedObject(StoredObjectKind Kind, string Database, string Name, string? Table = null) : StoredObject(Kind, Database, Name);
