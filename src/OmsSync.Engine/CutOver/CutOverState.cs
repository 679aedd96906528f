using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.CutOver;

/// <summary>A task's cut-over as the state store holds it: how it was asked for, where it stands, and each step.</summary>
public sealed record CutOverState
{
    public required string Task { get; init; }
    /// <summary>Running while its worker works (or should), Completed, or Failed with the reason in <see cref="Message"/>.</summary>
    public required TaskStatus Status { get; init; }
    public required CutOverOptions Options { get; init; }
    /// <summary>The source position the forward direction stopped at, as Get-OmsTask shows positions.</summary>
    public string? Position { get; init; }
    public string? Message { get; init; }
    public int? WorkerPid { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public DateTimeOffset? Finished { get; init; }
    public required IReadOnlyList<CutOverStepState> Steps { get; init; }

    /// <summary>The step running, or the first one not done.</summary>
    public CutOverStepState? Current =>
        Steps.FirstOrDefault(s => s.Status is CutOverStepStatus.Running or CutOverStepStatus.Failed)
        ?? Steps.FirstOrDefault(s => s.Status == CutOverStepStatus.Pending);
}

/// <summary>One step of a cut-over: where it stands and what it did.</summary>
public sealed record CutOverStepState(CutOverStep Step, CutOverStepStatus Status, string? Detail, DateTimeOffset? Started, DateTimeOffset? Finished);
