using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Output;

/// <summary>One entry of the conflict log: where, which row, what disagreed, and what was done about it.</summary>
public sealed class OmsConflict
{
    internal OmsConflict(ConflictRecord record)
    {
        Record = record;
        Id = record.Id;
        Task = record.Task;
        Direction = record.Direction;
        Table = record.Table;
        Key = record.Key;
        Type = record.Type;
        SourceBefore = record.SourceBefore;
        SourceAfter = record.SourceAfter;
        TargetRow = record.TargetRow;
        Policy = record.Policy;
        Outcome = record.Outcome;
        Time = record.Time;
        Resolved = record.Resolved;
        Resolution = record.Resolution;
    }

    internal ConflictRecord Record { get; }

    public long Id { get; }
    /// <summary>The task's name; also binds to -Name of the task cmdlets down the pipeline.</summary>
    public string Task { get; }
    public Direction Direction { get; }
    /// <summary>The target table, as database.table.</summary>
    public string Table { get; }
    /// <summary>The row's key as JSON (column to value).</summary>
    public string Key { get; }
    public ConflictType Type { get; }
    /// <summary>The source row before the change, as JSON; null for inserts.</summary>
    public string? SourceBefore { get; }
    /// <summary>The source row after the change, as JSON; null for deletes.</summary>
    public string? SourceAfter { get; }
    /// <summary>The target row found, as JSON, when it was read.</summary>
    public string? TargetRow { get; }
    public ConflictPolicy Policy { get; }
    /// <summary>What was done: KeptTarget or AppliedSource.</summary>
    public string Outcome { get; }
    public DateTimeOffset Time { get; }
    public DateTimeOffset? Resolved { get; }
    public string? Resolution { get; }

    public override string ToString() => $"{Type} {Table} {Key}";
}
