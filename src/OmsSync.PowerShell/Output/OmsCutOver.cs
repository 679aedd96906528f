using OmsSync.Engine.CutOver;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Output;

/// <summary>A task's cut-over (Switch-OmsTask): where it stands, the position the forward direction stopped at, and each step.</summary>
public sealed class OmsCutOver
{
    internal OmsCutOver(CutOverState state)
    {
        Task = state.Task;
        Status = state.Status;
        Step = state.Status == TaskStatus.Completed ? null : state.Current?.Step;
        Position = state.Position;
        Message = state.Message;
        Force = state.Options.Force;
        Verify = state.Options.Verify;
        StartReverse = state.Options.StartReverse;
        QuietSeconds = state.Options.QuietSeconds;
        WorkerPid = state.WorkerPid;
        Started = state.Started;
        Updated = state.Updated;
        Finished = state.Finished;
        Steps = state.Steps.Select(s => new OmsCutOverStep(state.Task, s)).ToArray();
    }

    public string Task { get; }
    /// <summary>Running, Completed, Failed (Switch-OmsTask again takes it up at <see cref="Step"/>) or Stopped.</summary>
    public TaskStatus Status { get; }
    /// <summary>The step running, or where a cut-over cut short stands; null once completed.</summary>
    public CutOverStep? Step { get; }
    /// <summary>The source position the forward direction stopped at.</summary>
    public string? Position { get; }
    public string? Message { get; }
    public bool Force { get; }
    public bool Verify { get; }
    public bool StartReverse { get; }
    public int QuietSeconds { get; }
    public int? WorkerPid { get; }
    public DateTimeOffset Started { get; }
    public DateTimeOffset Updated { get; }
    public DateTimeOffset? Finished { get; }
    public OmsCutOverStep[] Steps { get; }

    public override string ToString() => Step is { } step ? $"{Status} ({step})" : Status.ToString();
}
