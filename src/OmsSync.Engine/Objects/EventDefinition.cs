namespace OmsSync.Engine.Objects;

/// <summary>An event: SHOW CREATE EVENT's statement, its status (ENABLED, DISABLED, SLAVESIDE_DISABLED) and the session it was made in.</summary>
public sealed record EventDefinition(string Database, string Name, string CreateStatement, string Status, ProgramSession Session)
    : StoredObject(StoredObjectKind.Event, Database, Name)
{
    public bool Enabled => Status == "ENABLED";
}
