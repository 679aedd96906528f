namespace OmsSync.Engine.Objects;

/// <summary>
/// A trigger: its table, timing (BEFORE/AFTER), event (INSERT/UPDATE/DELETE), place among the table's triggers of that
/// timing and event (ACTION_ORDER, from 1) and body, as information_schema.TRIGGERS gives them.
/// </summary>
public sealed record TriggerDefinition(string Database, string Name, string Table, string Timing, string Event, int Order, string Body, ProgramSession Session)
    : StoredObject(StoredObjectKind.Trigger, Database, Name);
