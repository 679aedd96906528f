namespace OmsSync.Engine.Objects;

/// <summary>The kinds of object beyond tables and views a source may hold.</summary>
public enum StoredObjectKind { Procedure, Function, Trigger, Event, Sequence, Package }
