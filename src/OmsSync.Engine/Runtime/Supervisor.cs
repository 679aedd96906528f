using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// Watches the tasks of one OmsSync home and starts a new worker for any that should be running but whose
/// worker died (killed, crashed, out of memory), unless the task turned -AutoRestart off. It also evaluates the
/// tasks' alert rules (Set-OmsAlert) and delivers their alerts. One supervisor
/// runs per home (it holds a lock); it leaves once no task has wanted it for a while.
/// </summary>
public sealed class Supervisor
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(30);
    private readonly OmsService _service;
    private readonly Action<string> _log;

    public Supervisor(OmsService service, Action<string> log)
    {
        _service = service;
        _log = log;
    }

    public const string LockName = "supervisor";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var held = WorkerLock.TryAcquireNamed(_service.Home, LockName);
        if (held is null) return WorkerHost.ExitAlreadyRunning;
        _log($"supervisor {Environment.ProcessId} started");
        var idleSince = DateTime.UtcNow;
        var restarts = new Dictionary<(string, Direction), DateTime>();
        var cutOverRestarts = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        using var alerts = new Alerts.AlertMonitor(_service, _log);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var wanted = false;
            foreach (var task in _service.Tasks.List())
                foreach (var direction in Enum.GetValues<Direction>())
                {
                    var state = _service.Runtime.Get(task.Name, direction);
                    if (state.Status != Model.TaskStatus.Running || state.Request is not null) continue;
                    wanted = true;
                    if (!task.AutoRestart || _service.Status(task.Name, direction).Status != Model.TaskStatus.Failed) continue;
                    if (TooSoon(restarts, (task.Name, direction))) continue;
                    try
                    {
                        var pid = _service.StartWorker(task.Name, direction);
                        _log($"restarted the worker of '{task.Name}' ({direction}) as pid {pid}");
                        alerts.WorkerRestarted(task.Name, direction);
                    }
                    catch (Errors.OmsException e)
                    {
                        _log($"could not restart '{task.Name}' ({direction}): {e.Message}");
                    }
                }
            wanted |= RestartCutOvers(cutOverRestarts);
            // Alerts are looked at every second; a task with rules keeps the supervisor while it can still raise or clear one.
            try
            {
                wanted |= alerts.Evaluate();
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException)
            {
                _log($"alerts not evaluated this time: {e.Message}");
            }
            if (wanted) idleSince = DateTime.UtcNow;
            else if (DateTime.UtcNow - idleSince > IdleExit) break;
        }
        _log("supervisor leaves: no task to watch");
        return WorkerHost.ExitOk;
    }

    /// <summary>A cut-over whose worker died is taken up again where it stopped, unless its task turned -AutoRestart off.</summary>
    private bool RestartCutOvers(Dictionary<string, DateTime> restarts)
    {
        var cutovers = new CutOver.CutOverService(_service);
        var wanted = false;
        foreach (var task in _service.Tasks.List())
        {
            if (cutovers.Store.Get(task.Name) is not { Status: Model.TaskStatus.Running } state) continue;
            wanted = true;
            if (!task.AutoRestart || !cutovers.IsOrphaned(state) || TooSoon(restarts, task.Name)) continue;
            _log($"restarted the cut-over of '{task.Name}' at step {state.Current?.Step} as pid {cutovers.Launch(task.Name)}");
        }
        return wanted;
    }

    /// <summary>
    /// True when the worker was restarted less than a few seconds ago, else records this restart: one that dies at once,
    /// again and again, is not helped by starting it faster.
    /// </summary>
    private static bool TooSoon<TKey>(Dictionary<TKey, DateTime> restarts, TKey key) where TKey : notnull
    {
        if (restarts.TryGetValue(key, out var last) && DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return true;
        restarts[key] = DateTime.UtcNow;
        return false;
    }
}
