using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>Keeps an incremental stream running: a transient failure (a lost connection) is retried from the checkpoint, waiting longer each time up to 30 s.</summary>
internal static class Reconnecting
{
    public static async Task RunAsync(Func<CancellationToken, Task> stream, Func<Exception, bool> isTransient, RuntimeStore runtime, string task, Direction direction,
        Action<string> log, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await stream(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (isTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                log($"connection lost ({e.GetType().Name}: {e.Message}); retrying from the checkpoint in {backoff.TotalSeconds:0} s");
                runtime.SetStatus(task, direction, Model.TaskStatus.Running, message: $"Reconnecting: {e.Message}", clearMessage: true);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
            }
        }
    }
}
