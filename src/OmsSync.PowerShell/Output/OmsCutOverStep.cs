using OmsSync.Engine.CutOver;

namespace OmsSync.PowerShell.Output;

/// <summary>One step of a cut-over and what it did.</summary>
public sealed class OmsCutOverStep
{
    internal OmsCutOverStep(string task, CutOverStepState step)
    {
        Task = task;
        Step = step.Step;
        Status = step.Status;
        Detail = step.Detail;
        Started = step.Started;
        Finished = step.Finished;
    }

    public string Task { get; }
    public CutOverStep Step { get; }
    public CutOverStepStatus Status { get; }
    /// <summary>What the step did, with any warning (a definer the target lacks), or why it failed.</summary>
    public string? Detail { get; }
    public DateTimeOffset? Started { get; }
    public DateTimeOffset? Finished { get; }

    public override string ToString() => $"{Step}: {Status}";
}
