using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// The life of one worker process: take the task's lock, run its phases, obey Suspend and Stop
/// requests from cmdlets, report status and a heartbeat, and leave a final status behind.
/// </summary>
public sealed class WorkerHost
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitAlreadyRunning = 3;

    private readonly OmsHome _home;
    private readonly string _taskName;
    private readonly Direction _direction;
    private readonly TextWriter _log;

    public WorkerHost(OmsHome home, string taskName, Direction direction, TextWriter log)
    {
        _home = home;
        _taskName = taskName;
        _direction = direction;
        _log = log;
    }

    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        var store = StateStore.Open(_home);
        var runtime = new RuntimeStore(store);
        using var workerLock = WorkerLock.TryAcquire(_home, _taskName, _direction);
        if (workerLock is null)
        {
            Log($"another worker runs task '{_taskName}' ({_direction}); this one exits");
            return ExitAlreadyRunning;
        }
        // The reverse direction runs with the settings it has of its own.
        var task = new TaskCatalog(store).Get(_taskName).As(_direction);
        runtime.ClaimWorker(task.Name, _direction, Environment.ProcessId);
        Log($"worker {Environment.ProcessId} started");

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        WorkerRequest? requested = null;
        var watcher = WatchAsync(runtime, r => { requested = r; cancel.Cancel(); }, cancel.Token);
        try
        {
            while (true)
            {
                var runner = new Pipeline.PhaseRunner(store, task, _direction, Log);
                try
                {
                    // A server that is down or restarting in any phase is waited for, and the phases start again from their
                    // checkpoints, as after a crash; the task fails only for what waiting cannot mend.
                    await Pipeline.Reconnecting.RunAsync(runner.RunAsync, TransientFaults.IsConnectionLoss, runtime, task.Name, _direction, Log, cancel.Token,
                        untilCancelled: false).ConfigureAwait(false);
                    break;
                }
                catch (Pipeline.TaskObjectsChangedException)
                {
                    // Tables joined or left the task while it ran: its phases run again with them, each from its checkpoint.
                    task = new TaskCatalog(store).Get(_taskName).As(_direction);
                    Log("the task's objects changed; its phases run again with them");
                }
            }
            runtime.SetStatus(task.Name, _direction, Model.TaskStatus.Completed, TaskPhase.Done, "Completed.", clearMessage: true);
            Log("completed");
            return ExitOk;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            var status = requested == WorkerRequest.Stop ? Model.TaskStatus.Stopped : Model.TaskStatus.Suspended;
            var why = requested is null ? "The worker was asked to shut down." : $"{requested} was requested.";
            runtime.SetStatus(task.Name, _direction, status, message: why, clearMessage: true);
            Log($"{status}: {why}");
            return ExitOk;
        }
        catch (Pipeline.TaskPausedException e)
        {
            runtime.SetStatus(task.Name, _direction, Model.TaskStatus.Suspended, message: e.Message, clearMessage: true);
            Log($"paused: {e.Message}");
            return ExitOk;
        }
        catch (Exception e)
        {
            var message = e is OmsException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            runtime.SetStatus(task.Name, _direction, Model.TaskStatus.Failed, message: message, clearMessage: true);
            Log($"failed: {e}");
            return ExitFailed;
        }
        finally
        {
            cancel.Cancel();
            try { await watcher.ConfigureAwait(false); } catch (OperationCanceledException) { }
            runtime.ReleaseWorker(task.Name, _direction, Environment.ProcessId);
            // What the worker cost, for whoever sizes the machine: CPU time and peak resident memory (VmHWM on Linux).
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            Log($"worker {Environment.ProcessId} exits: cpu {self.TotalProcessorTime.TotalSeconds:F2} s, peak memory {self.PeakWorkingSet64 >> 20} MB");
        }
    }

    // Polls the state store for requests from cmdlets and keeps the heartbeat fresh.
    private async Task WatchAsync(RuntimeStore runtime, Action<WorkerRequest> onRequest, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        var beats = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = runtime.Get(_taskName, _direction);
            if (state.Request is { } request)
            {
                onRequest(request);
                return;
            }
            if (++beats % 7 == 0)
                runtime.Beat(_taskName, _direction);
        }
    }

    private void Log(string message)
    {
        lock (_log)
        {
            _log.WriteLine(WorkerLogLine.Format(_taskName, _direction, message));
            _log.Flush();
        }
    }
}
