using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Jobs;

/// <summary>Follows a verification run's worker; its output is the run's per-table results.</summary>
internal sealed class VerificationFollower(VerificationService verification, long runId) : IWorkerFollower
{
    public (Engine.Model.TaskStatus, TaskPhase, string?) Read()
    {
        var run = verification.Status(runId);
        return (run.Status, TaskPhase.Verify, run.Message);
    }

    public void Stop(TimeSpan wait)
    {
        var run = verification.Runs.GetRun(runId);
        if (run is not null)
            verification.StopAsync(run.Task, wait, CancellationToken.None).GetAwaiter().GetResult();
    }

    public IEnumerable<object> Describe() => Results(verification, runId);

    public static IEnumerable<OmsVerificationResult> Results(VerificationService verification, long runId)
    {
        var run = verification.Status(runId);
        return verification.Runs.Tables(runId).Select(t => new OmsVerificationResult(run, t)).ToList();
    }
}
