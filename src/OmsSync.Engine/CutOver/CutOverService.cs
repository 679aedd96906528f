using OmsSync.Engine.Errors;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.CutOver;

/// <summary>What the cmdlets ask of a task's cut-over: start its worker, read where it stands.</summary>
public sealed class CutOverService
{
    private readonly OmsService _service;

    public CutOverService(OmsService service)
    {
        _service = service;
        Store = new CutOverStore(service.Store);
    }

    public CutOverStore Store { get; }

    /// <summary>True while some process holds the task's cut-over lock.</summary>
    public bool IsRunning(string task) => WorkerLock.IsNamedHeld(_service.Home, OmsHome.CutOverLockName(task));

    /// <summary>Records the cut-over with its options (a new one, or one cut short taken up again) and launches its worker.</summary>
    public CutOverState Start(string task, CutOverOptions options)
    {
        var name = _service.Tasks.Get(task).Name;
        Store.Begin(name, options);
        Launch(name);
        return Status(name)!;
    }

    /// <summary>Launches the worker of a cut-over recorded as running.</summary>
    public int Launch(string task)
    {
        using var process = WorkerLauncher.LaunchCutOver(_service.Home, task);
        Store.ClaimWorker(task, process.Id);
        // The supervisor takes a cut-over whose worker dies up again (the task's AutoRestart).
        _service.EnsureSupervisor();
        return process.Id;
    }

    /// <summary>The task's cut-over, with one recorded as running whose worker is gone reported as Failed; null when there is none.</summary>
    public CutOverState? Status(string task)
    {
        var state = Store.Get(task);
        return state is null || !IsOrphaned(state) ? state : state with
        {
            Status = TaskStatus.Failed,
            Message = $"The cut-over worker (pid {state.WorkerPid}) is gone without a final word (killed, or the host restarted) in step {state.Current?.Step}. " +
                      "Run Switch-OmsTask again: it takes the cut-over up at that step.",
        };
    }

    /// <summary>
    /// True for a cut-over recorded as running that no worker runs (killed, or the host restarted): none holds its lock, and
    /// none is being launched. It is read again once the lock is seen free: a worker writes its final word before letting go.
    /// </summary>
    public bool IsOrphaned(CutOverState state) =>
        state.Status == TaskStatus.Running && !IsRunning(state.Task) && !IsLaunching(state)
        && Store.Get(state.Task) is { Status: TaskStatus.Running };

    /// <summary>A worker just launched has not taken its lock yet: it counts as running while its process lives, for a short while.</summary>
    public static bool IsLaunching(CutOverState state) => WorkerLauncher.IsLaunching(state.WorkerPid, state.Updated);

    public static OmsException Done(CutOverState state) =>
        new("CutOverCompleted", OmsErrorKind.InvalidState, state.Task,
            $"Task '{state.Task}' was switched over at {state.Finished:u} (source position {state.Position}); there is nothing left to do. {state.Message}");
}
