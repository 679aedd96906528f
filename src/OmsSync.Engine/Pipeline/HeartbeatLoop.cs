using System.Data.Common;
using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Keeps a task's source heartbeat going for as long as the task runs. A session that fails (the source restarting, a
/// lost connection, a missing privilege) is opened again after a pause that grows to 10 s and starts over at 1 s once
/// a beat gets through; an outage is logged once when it begins and once when it ends, not at every attempt.
/// </summary>
internal static class HeartbeatLoop
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(10);

    /// <param name="what">What beats, for the log (e.g. "source heartbeat on data source 'shop'").</param>
    /// <param name="session">Opens a connection and beats on it until cancelled; calls its first argument after each beat that got through.</param>
    public static async Task RunAsync(string what, Func<Action, CancellationToken, Task> session, Action<string> log, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromSeconds(1);
        string? outage = null;
        void Beaten()
        {
            pause = TimeSpan.FromSeconds(1);
            if (outage is null) return;
            log($"{what} beats again (it had stopped: {outage})");
            outage = null;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await session(Beaten, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or OmsException or IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                if (outage is null)
                {
                    outage = e.Message;
                    log($"{what} stopped ({e.Message}); trying again until it beats");
                }
            }
            try
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            pause = TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, pause.Ticks * 2));
        }
    }
}
