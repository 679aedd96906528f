using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>
/// The Verify phase of a task (-MigrationType ...,Verify): a full verification after the full migration, run
/// once per task (a restarted worker does not repeat a completed one). With incremental synchronization it
/// runs beside it, and rows still in flight are re-read after the lag instead of being reported.
/// </summary>
public static class VerificationPhase
{
    public static async Task RunAsync(StateStore store, MigrationTask task, Action<string> log, CancellationToken cancellationToken)
    {
        var runs = new VerificationStore(store);
        if (runs.LatestRun(task.Name, VerificationOrigin.Phase) is { Status: Model.TaskStatus.Completed } done)
        {
            log($"verification phase done before (run {done.Id}): {done.Message}");
            return;
        }
        // A verification started by hand holds the task's verification lock: the phase waits for it to end.
        while (Runtime.WorkerLock.IsNamedHeld(store.Home, OmsHome.VerificationLockName(task.Name)))
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var runId = runs.CreateRun(task.Name, VerificationMode.Full, VerificationOrigin.Phase, [], null);
        var run = await new VerificationHost(store, task, log).RunAsync(runId, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        log($"verification phase: {run.Status}. {run.Message}");
        if (run.Status == Model.TaskStatus.Failed)
            throw new OmsException("VerificationFailed", OmsErrorKind.InvalidState, task.Name, $"The Verify phase failed: {run.Message}");
    }

    /// <summary>Runs the phase beside incremental synchronization; a failure is logged and recorded on the run, never thrown.</summary>
    public static Task BesideAsync(StateStore store, MigrationTask task, Action<string> log, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            try
            {
                await RunAsync(store, task, log, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                log($"verification beside incremental synchronization: {e.Message}");
            }
        }, CancellationToken.None);
}
