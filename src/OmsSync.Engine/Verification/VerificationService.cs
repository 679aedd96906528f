using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>What the cmdlets ask of verification: start a run in its own worker, read its state, stop it.</summary>
public sealed class VerificationService
{
    private readonly OmsService _service;

    public VerificationService(OmsService service)
    {
        _service = service;
        Runs = new VerificationStore(service.Store);
    }

    public VerificationStore Runs { get; }

    /// <summary>True while some process holds the task's verification lock.</summary>
    public bool IsRunning(string task) => WorkerLock.IsNamedHeld(_service.Home, OmsHome.VerificationLockName(task));

    /// <summary>Checks the request, records the run and launches its worker; returns the run and the worker's process id.</summary>
    public (VerificationRun Run, int Pid) Start(string task, VerificationMode mode, IReadOnlyList<string> include, DateTimeOffset? since)
    {
        var definition = _service.Tasks.Get(task);
        foreach (var pattern in include) Verifier.Pattern(pattern);
        if (since is not null && mode != VerificationMode.Incremental)
            throw new OmsException("InvalidSince", OmsErrorKind.InvalidArgument, definition.Name,
                "-Since says from when changed rows are verified, which only -Mode Incremental does. Add -Mode Incremental or leave -Since out.");
        // A worker that has written its final word is on its way out: give it a moment to let go of its lock.
        var exiting = Runs.LatestRun(definition.Name) is { Status: not Model.TaskStatus.Running };
        for (var waited = 0; exiting && waited < 100 && IsRunning(definition.Name); waited++)
            Thread.Sleep(100);
        if (IsRunning(definition.Name) || Runs.LatestRun(definition.Name) is { } last && IsLaunching(last))
            throw new OmsException("VerificationRunning", OmsErrorKind.InvalidState, definition.Name,
                $"A verification of task '{definition.Name}' is running. Watch it with Get-OmsVerificationResult, or stop it with Stop-OmsVerification.");
        var runId = Runs.CreateRun(definition.Name, mode, VerificationOrigin.Cmdlet, include, since);
        using var process = WorkerLauncher.LaunchVerification(_service.Home, definition.Name, runId);
        Runs.MarkLaunched(runId, process.Id);
        return (Status(runId), process.Id);
    }

    /// <summary>A run's state, with a Running run whose worker is gone reported as Failed.</summary>
    public VerificationRun Status(long runId)
    {
        var run = Runs.GetRun(runId) ?? throw new OmsException("VerificationNotFound", OmsErrorKind.NotFound, runId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"Verification run {runId} does not exist (its task was removed?).");
        if (run.Status != Model.TaskStatus.Running || IsRunning(run.Task) || IsLaunching(run)) return run;
        run = Runs.GetRun(runId)!; // the worker may have written its final word between the two looks
        return run.Status != Model.TaskStatus.Running ? run : run with
        {
            Status = Model.TaskStatus.Failed,
            Message = $"The verification worker (pid {run.WorkerPid}) is gone without a final word (killed, or the host restarted). Start the verification again.",
        };
    }

    /// <summary>Asks the task's running verification to stop and waits for it; returns that run, or null when none ran.</summary>
    public async Task<VerificationRun?> StopAsync(string task, TimeSpan wait, CancellationToken cancellationToken)
    {
        var definition = _service.Tasks.Get(task);
        if (Runs.LatestRun(definition.Name) is not { } run || Status(run.Id).Status != Model.TaskStatus.Running) return null;
        Runs.Request(run.Id, WorkerRequest.Stop);
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline && (IsRunning(definition.Name) || IsLaunching(Runs.GetRun(run.Id)!)))
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        return Status(run.Id);
    }

    // Only a run started by the cmdlet has a worker of its own to wait for.
    private static bool IsLaunching(VerificationRun run) =>
        run.Status == Model.TaskStatus.Running && run.Origin == VerificationOrigin.Cmdlet && WorkerLauncher.IsLaunching(run.WorkerPid, run.Heartbeat);
}
