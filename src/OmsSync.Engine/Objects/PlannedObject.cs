namespace OmsSync.Engine.Objects;

/// <summary>When an object is created on the target.</summary>
public enum ObjectTiming
{
    /// <summary>With the tables: routines (they do nothing until called), sequences, events (disabled until cut-over).</summary>
    WithSchema,
    /// <summary>At cut-over: triggers, which would fire for the rows the synchronization writes.</summary>
    CutOver,
}

/// <summary>An object the task carries: where it goes on the target, and when.</summary>
/// <param name="TargetTable">A trigger's table under its target name.</param>
public sealed record PlannedObject(StoredObject Source, string TargetDatabase, string TargetName, ObjectTiming When, string? TargetTable = null)
{
    public string Target => $"{TargetDatabase}.{TargetName}";
}

/// <summary>An object the task's rules select that its target cannot take, and why.</summary>
public sealed record LeftBehindObject(StoredObject Source, string Reason);
