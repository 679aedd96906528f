using OmsSync.Engine.Errors;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.CutOver;

/// <summary>
/// The life of the process that runs a task's cut-over: it holds the task's cut-over lock while it lives (so two never
/// run one cut-over, and a killed one is seen as such at once), runs the steps left, and leaves the outcome behind.
/// </summary>
public sealed class CutOverHost
{
    private readonly OmsService _service;
    private readonly string _taskName;
    private readonly Action<string> _log;

    public CutOverHost(OmsService service, string taskName, Action<string> log)
    {
        _service = service;
        _taskName = taskName;
        _log = log;
    }

    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        using var held = WorkerLock.TryAcquireNamed(_service.Home, OmsHome.CutOverLockName(_taskName));
        if (held is null)
        {
            _log("another process runs this cut-over; this one exits");
            return WorkerHost.ExitAlreadyRunning;
        }
        var task = _service.Tasks.Get(_taskName);
        var cutovers = new CutOverStore(_service.Store);
        // This process's id is on record already: CutOverService.Launch, which starts every cut-over worker, wrote it (the
        // launch execs into this process, so it is this one's).
        _log($"cut-over worker {Environment.ProcessId} started");
        try
        {
            await new CutOverRunner(_service, task, _log).RunAsync(shutdown).ConfigureAwait(false);
            var done = cutovers.Get(task.Name)!;
            cutovers.Finish(task.Name, TaskStatus.Completed, $"Switched over at {done.Position}: the target holds every row and object of the task" +
                (done.Options.StartReverse ? ", and the reverse direction keeps the old source in step." : "."));
            _log("cut-over completed");
            return WorkerHost.ExitOk;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            cutovers.Finish(task.Name, TaskStatus.Stopped, "The cut-over was stopped; run Switch-OmsTask again to take it up where it stopped.");
            _log("cut-over stopped");
            return WorkerHost.ExitOk;
        }
        catch (Exception e)
        {
            var step = cutovers.Get(task.Name)?.Current?.Step;
            var message = e is OmsException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            cutovers.Finish(task.Name, TaskStatus.Failed, $"Step {step} failed: {message}");
            _log($"cut-over failed at {step}: {e}");
            return WorkerHost.ExitFailed;
        }
    }
}
