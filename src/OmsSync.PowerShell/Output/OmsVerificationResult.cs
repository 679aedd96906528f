using OmsSync.Engine.Verification;

namespace OmsSync.PowerShell.Output;

/// <summary>What a verification found for one table: rows on each side, chunks compared, and differences by kind.</summary>
public sealed class OmsVerificationResult
{
    internal OmsVerificationResult(VerificationRun run, VerificationTableResult table)
    {
        Task = run.Task;
        RunId = run.Id;
        Mode = run.Mode;
        Started = run.Started;
        SourceTable = table.SourceTable;
        TargetTable = table.TargetTable;
        // A run that ended (or whose worker died) leaves no table "Verifying".
        Status = table.Status is "Pending" or "Verifying" && run.Status != Engine.Model.TaskStatus.Running ? run.Status.ToString() : table.Status;
        RowsEstimate = table.RowsEstimate;
        SourceRows = table.SourceRows;
        TargetRows = table.TargetRows;
        Chunks = table.Chunks;
        MissingOnTarget = table.MissingOnTarget;
        ExtraOnTarget = table.ExtraOnTarget;
        Different = table.Different;
        Message = table.Message;
        Updated = table.Updated;
    }

    /// <summary>The task's name; also binds to -Name of the task cmdlets down the pipeline.</summary>
    public string Task { get; }
    public long RunId { get; }
    public VerificationMode Mode { get; }
    public DateTimeOffset Started { get; }
    public string SourceTable { get; }
    public string TargetTable { get; }
    /// <summary>Pending, Verifying, Completed, Failed or Stopped.</summary>
    public string Status { get; }
    /// <summary>The source's row estimate when the run began.</summary>
    public long RowsEstimate { get; }
    /// <summary>Rows compared on the source (row filter applied); in incremental mode, changed rows re-verified.</summary>
    public long SourceRows { get; }
    public long TargetRows { get; }
    public int Chunks { get; }
    public long MissingOnTarget { get; }
    public long ExtraOnTarget { get; }
    public long Different { get; }
    /// <summary>All differences: MissingOnTarget + ExtraOnTarget + Different.</summary>
    public long Differences => MissingOnTarget + ExtraOnTarget + Different;
    public string? Message { get; }
    public DateTimeOffset Updated { get; }

    public override string ToString() => $"{SourceTable}: {Differences} difference(s)";
}
