namespace OmsSync.Engine.CutOver;

/// <summary>How a cut-over runs (Switch-OmsTask's switches).</summary>
/// <param name="Force">Skip the check that the source has stopped writing.</param>
/// <param name="Verify">Verify every table once the forward direction has stopped.</param>
/// <param name="StartReverse">Start the reverse direction at the end (bidirectional tasks).</param>
/// <param name="QuietSeconds">How long the source must commit nothing on the task's tables.</param>
public sealed record CutOverOptions(bool Force = false, bool Verify = false, bool StartReverse = false, int QuietSeconds = CutOverOptions.DefaultQuietSeconds)
{
    public const int DefaultQuietSeconds = 10;

    /// <summary>The steps these options run, in order.</summary>
    public IReadOnlyList<CutOverStep> Steps => Enum.GetValues<CutOverStep>()
        .Where(s => s switch
        {
            CutOverStep.Verify => Verify,
            CutOverStep.RetireSource or CutOverStep.StartReverse => StartReverse,
            _ => true,
        }).ToList();
}
