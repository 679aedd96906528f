namespace OmsSync.Engine.Objects;

/// <summary>A stored procedure or function: SHOW CREATE's statement and the session it was made in.</summary>
public sealed record RoutineDefinition(StoredObjectKind Kind, string Database, string Name, string CreateStatement, ProgramSession Session)
    : StoredObject(Kind, Database, Name);
