using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>
/// The life of one verification run, in a verification worker or in a task's worker during its Verify phase:
/// hold the task's verification lock (one verification per task at a time; a dead worker's lock goes with it),
/// obey a Stop request, keep a heartbeat, and leave a final status and message behind.
/// </summary>
public sealed class VerificationHost
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Action<string> _log;

    public VerificationHost(StateStore store, MigrationTask task, Action<string> log)
    {
        _store = store;
        _task = task;
        _log = log;
    }

    /// <summary>Runs the verification to its end; returns the run as it finished (Completed, Stopped or Failed).</summary>
    public async Task<VerificationRun> RunAsync(long runId, CancellationToken shutdown)
    {
        _log($"run {runId} starting in worker process {Environment.ProcessId}");
        var runs = new VerificationStore(_store);
        using var held = WorkerLock.TryAcquireNamed(_store.Home, OmsHome.VerificationLockName(_task.Name));
        if (held is null)
        {
            runs.Finish(runId, Model.TaskStatus.Failed, $"Another verification of task '{_task.Name}' is running; stop it with Stop-OmsVerification or wait for it.");
            return runs.GetRun(runId)!;
        }
        runs.ClaimRun(runId, Environment.ProcessId);
        var run = runs.GetRun(runId)!;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var requested = false;
        var watcher = WatchAsync(runs, runId, () => { requested = true; cancel.Cancel(); }, cancel.Token);
        try
        {
            var differences = await new Verifier(_store, _task, _log).RunAsync(run, cancel.Token).ConfigureAwait(false);
            runs.Finish(runId, Model.TaskStatus.Completed, differences == 0
                ? "No differences."
                : $"{differences} difference(s); see Get-OmsVerificationResult -Name '{_task.Name}' -Detail, and Repair-OmsDifference.");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            runs.Finish(runId, Model.TaskStatus.Stopped, requested ? "Stop was requested." : "The worker was asked to shut down.");
        }
        catch (Exception e)
        {
            var message = e is OmsException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            runs.Finish(runId, Model.TaskStatus.Failed, message);
            _log($"verification failed: {e}");
        }
        finally
        {
            cancel.Cancel();
            try { await watcher.ConfigureAwait(false); } catch (OperationCanceledException) { }
            runs.ReleaseWorker(runId, Environment.ProcessId);
        }
        return runs.GetRun(runId)!;
    }

    // Polls the run for a Stop request and keeps its heartbeat fresh.
    private static async Task WatchAsync(VerificationStore runs, long runId, Action onStop, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        var beats = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            // A Stop request, or the run gone with its task (Remove-OmsTask): time to go.
            if (runs.GetRun(runId) is not { Request: null })
            {
                onStop();
                return;
            }
            if (++beats % 7 == 0)
                runs.Beat(runId);
        }
    }
}
