using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Keeps an incremental stream running: a transient failure (a lost connection) is retried from the checkpoint, waiting
/// longer each time up to 30 s. Get-OmsTask shows the failure until the stream applies again (<see cref="RuntimeStore.Beat"/>
/// clears it); a failure after that is a new outage, retried after 1 s again.
/// </summary>
internal static class Reconnecting
{
    /// <param name="untilCancelled">Run the stream again when it ends (an incremental stream); false returns once it completes.</param>
    public static async Task RunAsync(Func<CancellationToken, Task> stream, Func<Exception, bool> isTransient, RuntimeStore runtime, string task, Direction direction,
        Action<string> log, CancellationToken cancellationToken, bool untilCancelled = true)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await stream(cancellationToken).ConfigureAwait(false);
                if (!untilCancelled) return;
            }
            catch (Exception e) when (isTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (runtime.Get(task, direction).Message?.StartsWith(RuntimeStore.ReconnectingPrefix, StringComparison.Ordinal) != true)
                    backoff = TimeSpan.FromSeconds(1); // the stream had reconnected and applied: this outage starts afresh
                log($"connection lost ({e.GetType().Name}: {e.Message}); retrying from the checkpoint in {backoff.TotalSeconds:0} s");
                runtime.SetStatus(task, direction, Model.TaskStatus.Running, message: RuntimeStore.ReconnectingPrefix + e.Message, clearMessage: true);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
            }
        }
    }
}
