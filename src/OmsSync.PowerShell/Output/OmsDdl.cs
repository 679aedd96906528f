using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Output;

/// <summary>One entry of a task's DDL log: a DDL statement the task met, and what became of it.</summary>
public sealed class OmsDdl
{
    internal OmsDdl(DdlRecord record)
    {
        Id = record.Id;
        Task = record.Task;
        Direction = record.Direction;
        Position = Engine.MySql.Binlog.CheckpointPosition.Parse(record.StartPosition).ToString();
        Database = record.Database;
        Table = record.Table;
        Statement = record.Statement;
        TargetSql = record.TargetSql;
        Outcome = record.Outcome;
        Reason = record.Reason;
        Time = record.Time;
    }

    public long Id { get; }
    /// <summary>The task's name; also binds to -Name of the task cmdlets down the pipeline.</summary>
    public string Task { get; }
    public Direction Direction { get; }
    /// <summary>The binlog position of the statement (file:pos and GTID state before it).</summary>
    public string Position { get; }
    /// <summary>The session's default database on the source.</summary>
    public string Database { get; }
    /// <summary>The source table the statement is about (database.table), when it is about one.</summary>
    public string? Table { get; }
    public string Statement { get; }
    /// <summary>What ran (or would have run) on the target, rewritten through the task's renames.</summary>
    public string? TargetSql { get; }
    /// <summary>Applied, Ignored, Paused, Skipped, Deferred (online schema change, held for the table swap) or NotApplied (reverse direction).</summary>
    public DdlOutcome Outcome { get; }
    public string? Reason { get; }
    public DateTimeOffset Time { get; }

    public override string ToString() => $"{Outcome} {Statement}";
}
