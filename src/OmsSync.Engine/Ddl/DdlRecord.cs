using OmsSync.Engine.Model;

namespace OmsSync.Engine.Ddl;

/// <summary>What became of a DDL statement a task read.</summary>
public enum DdlOutcome
{
    /// <summary>Applied to the target (rewritten through the task's renames and column selections).</summary>
    Applied,
    /// <summary>It concerned the task but nothing of it was for the target (e.g. a table renamed out of the task, a column not moved).</summary>
    Ignored,
    /// <summary>Unsupported or failed: the task waits at it for the DBA.</summary>
    Paused,
    /// <summary>Skipped by Skip-OmsDdl: the task went on past it without applying it.</summary>
    Skipped,
    /// <summary>On an online schema change tool's shadow table: held, and applied to the real table when the tool swaps the tables.</summary>
    Deferred,
    /// <summary>Read by the reverse direction: DDL flows forward only, so it was logged and not applied.</summary>
    NotApplied,
}

/// <summary>One DDL statement a task met, in the DDL log.</summary>
public sealed record DdlRecord
{
    public long Id { get; init; }
    public required string Task { get; init; }
    public required Direction Direction { get; init; }
    /// <summary>The source position before the DDL (checkpoint form).</summary>
    public required string StartPosition { get; init; }
    /// <summary>How the start position sorts among the task's others (<see cref="Changes.SourcePosition.SortKey"/>).</summary>
    public required (long Major, long Minor) Order { get; init; }
    /// <summary>The source position after the DDL.</summary>
    public required string EndPosition { get; init; }
    /// <summary>The session's default database on the source.</summary>
    public required string Database { get; init; }
    public required string Statement { get; init; }
    /// <summary>The source table ("db.table") the statement is about, when it is about one.</summary>
    public string? Table { get; init; }
    /// <summary>What ran (or would run) on the target, one statement per line.</summary>
    public string? TargetSql { get; init; }
    public required DdlOutcome Outcome { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
}
