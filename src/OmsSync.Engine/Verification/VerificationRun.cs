using OmsSync.Engine.Model;

namespace OmsSync.Engine.Verification;

/// <summary>Full: every row of the tables, once. Incremental: the rows the binlog shows changing, continuously (OMS Incr-Verification).</summary>
public enum VerificationMode { Full, Incremental }

/// <summary>Who started a run: a cmdlet (its own worker) or the task's Verify phase (inside the task's worker).</summary>
public enum VerificationOrigin { Cmdlet, Phase }

/// <summary>One verification of a task: what it covers, and its state as its worker last reported it.</summary>
public sealed record VerificationRun
{
    public required long Id { get; init; }
    public required string Task { get; init; }
    public required VerificationMode Mode { get; init; }
    public required VerificationOrigin Origin { get; init; }
    /// <summary>Wildcard patterns on source or target table names (db.table); empty for all the task's tables.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];
    /// <summary>Incremental mode: changes committed on the source from this time on are verified.</summary>
    public DateTimeOffset? Since { get; init; }
    public required Model.TaskStatus Status { get; init; }
    public string? Message { get; init; }
    public State.WorkerRequest? Request { get; init; }
    public int? WorkerPid { get; init; }
    public DateTimeOffset? Heartbeat { get; init; }
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Finished { get; init; }
}

/// <summary>What a run found for one table: rows on each side, chunks compared, and the differences by kind.</summary>
public sealed record VerificationTableResult
{
    public required long RunId { get; init; }
    public required string SourceTable { get; init; }
    public required string TargetTable { get; init; }
    /// <summary>Pending, Verifying, Completed, Failed, or Stopped.</summary>
    public required string Status { get; init; }
    public long RowsEstimate { get; init; }
    /// <summary>Rows compared on the source (its row filter applied); in incremental mode, changed rows re-verified.</summary>
    public long SourceRows { get; init; }
    public long TargetRows { get; init; }
    public int Chunks { get; init; }
    public long MissingOnTarget { get; init; }
    public long ExtraOnTarget { get; init; }
    public long Different { get; init; }
    public string? Message { get; init; }
    public DateTimeOffset Updated { get; init; }
}

public enum DifferenceKind { MissingOnTarget, ExtraOnTarget, Different }

/// <summary>One row that differs, as confirmed after the task's lag: its key and both sides' images as JSON (column to text, binary as 0x-hex).</summary>
public sealed record VerificationDifference
{
    public long Id { get; init; }
    public required long RunId { get; init; }
    public required string SourceTable { get; init; }
    public required string TargetTable { get; init; }
    public required DifferenceKind Kind { get; init; }
    /// <summary>The key as JSON (column to text); null for a table without a key.</summary>
    public string? Key { get; init; }
    /// <summary>The key in the form chunk boundaries use (JSON list), for looking the row up again; null without a key.</summary>
    public string? KeyValues { get; init; }
    /// <summary>A table without a key: the 64-bit hash of the row's content, which identifies its copies.</summary>
    public string? RowHash { get; init; }
    public string? SourceRow { get; init; }
    public string? TargetRow { get; init; }
    public DateTimeOffset Found { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? Repaired { get; init; }
}
