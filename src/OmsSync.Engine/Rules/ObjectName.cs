namespace OmsSync.Engine.Rules;

/// <summary>A database-qualified table or view name.</summary>
public sealed record ObjectName(string Database, string Name)
{
    public override string ToString() => $"`{Database.Replace("`", "``")}`.`{Name.Replace("`", "``")}`";
}

/// <summary>A selected source object and the name it has on the target.</summary>
public sealed record MappedObject(ObjectName Source, ObjectName Target)
{
    public bool IsRenamed => Source != Target;
}
