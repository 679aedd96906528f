using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.Alerts;

/// <summary>
/// Evaluates every task's alert rules (the supervisor calls it each second): an alert starts when its rule's condition
/// starts to hold and clears when it stops, each recorded (<see cref="AlertLog"/>) and delivered (<see cref="AlertDelivery"/>).
/// What it reads is the state store's: runtime state, the conflict log, the DDL log and verification results.
/// </summary>
internal sealed class AlertMonitor : IDisposable
{
    private static readonly TimeSpan ConflictWindow = TimeSpan.FromMinutes(1);
    private readonly OmsService _service;
    private readonly AlertLog _alerts;
    private readonly AlertDelivery _delivery;
    private readonly DdlLog _ddl;
    private readonly VerificationStore _verifications;
    // The alerts not cleared, read once a look: each rule of each direction asks for its own.
    private Dictionary<(string, AlertKind, Direction?), AlertRecord> _active = new();
    // Since when each (task, kind, direction) condition with a duration has held without a break.
    private readonly Dictionary<(string, AlertKind, Direction?), DateTimeOffset> _holdingSince = new();
    // Worker restarts the supervisor made since the last look, per task direction.
    private readonly HashSet<(string, Direction)> _restarted = new();

    public AlertMonitor(OmsService service, Action<string> trace)
    {
        _service = service;
        _alerts = new AlertLog(service.Store);
        _delivery = new AlertDelivery(_alerts, service.Home, trace);
        _ddl = new DdlLog(service.Store);
        _verifications = new VerificationStore(service.Store);
    }

    /// <summary>The supervisor started a new worker for a direction whose worker died.</summary>
    public void WorkerRestarted(string task, Direction direction) => _restarted.Add((task, direction));

    /// <returns>True while some task's rules still have something to watch or deliver (the supervisor stays).</returns>
    public bool Evaluate()
    {
        var watching = false;
        _active = _alerts.List(null, activeOnly: true).GroupBy(a => (a.Task, a.Kind, a.Direction)).ToDictionary(g => g.Key, g => g.First());
        foreach (var task in _service.Tasks.List().Where(t => t.AlertRules.Count > 0))
        {
            var directions = Enum.GetValues<Direction>().Select(d => _service.Status(task.Name, d)).Where(s => s.Status != TaskStatus.Created).ToList();
            watching |= directions.Any(s => s.Status is TaskStatus.Running or TaskStatus.Suspended or TaskStatus.Failed)
                        || _active.Keys.Any(k => k.Item1 == task.Name);
            foreach (var rule in task.AlertRules)
            {
                if (rule.Kind == AlertKind.VerificationDifferences)
                {
                    var open = _verifications.OpenDifferences(task.Name).Count;
                    Settle(task.Name, rule, null, open > 0, $"Verification of task '{task.Name}' found {open} row(s) that differ. Get-OmsVerificationResult -Detail lists them.");
                    continue;
                }
                foreach (var state in directions)
                {
                    var (holds, message) = Condition(task, rule, state);
                    Settle(task.Name, rule, state.Direction, holds, message);
                }
            }
        }
        _restarted.Clear();
        return watching || _delivery.Busy;
    }

    private (bool Holds, string Message) Condition(MigrationTask task, AlertRule rule, TaskRuntime state)
    {
        var where = $"Task '{task.Name}' ({state.Direction})";
        switch (rule.Kind)
        {
            case AlertKind.Lag:
                var lag = state.Status == TaskStatus.Running && state.LagMilliseconds is { } ms ? ms / 1000.0 : 0;
                return (lag > rule.Threshold, $"{where} lags {lag:0.#} s behind its source, above {rule.Threshold:0.#} s for {rule.ForSeconds} s or more.");
            case AlertKind.TaskFailed:
                // A dead worker the supervisor restarts is WorkerRestarted; failed is what stays failed.
                var failed = _service.Runtime.Get(task.Name, state.Direction).Status == TaskStatus.Failed
                             || state.Status == TaskStatus.Failed && !task.AutoRestart;
                return (failed, $"{where} failed: {state.Message}");
            case AlertKind.WorkerRestarted:
                var restarted = _restarted.Contains((task.Name, state.Direction));
                // Started at the restart; cleared at the next look that finds the new worker alive.
                if (restarted) return (true, $"{where}: its worker died and the supervisor started a new one (pid {state.WorkerPid}).");
                return (_active.ContainsKey((task.Name, rule.Kind, state.Direction)) && !_service.IsWorkerAlive(task.Name, state.Direction), "");
            case AlertKind.DdlPaused:
                var paused = state.Status == TaskStatus.Suspended ? _ddl.Paused(task.Name, state.Direction) : null;
                return (paused is not null, $"{where} is paused at DDL `{paused?.Statement}`: {state.Message}");
            case AlertKind.Conflicts:
                var perMinute = _service.Conflicts.PerMinute(task.Name, state.Direction, ConflictWindow).Values.Sum();
                return (perMinute > rule.Threshold, $"{where} met {perMinute:0} conflict(s) in the last minute, above {rule.Threshold:0} a minute. Get-OmsConflict lists them.");
            default:
                return (false, "");
        }
    }

    /// <summary>Starts the alert when its condition holds (long enough), clears it when it no longer does.</summary>
    private void Settle(string task, AlertRule rule, Direction? direction, bool holds, string message)
    {
        var key = (task, rule.Kind, direction);
        var active = _active.GetValueOrDefault(key);
        if (!holds)
        {
            _holdingSince.Remove(key);
            if (active is not null) _delivery.Send(_alerts.Clear(active), rule);
            return;
        }
        if (active is not null) return;
        var now = DateTimeOffset.UtcNow;
        if (!_holdingSince.TryGetValue(key, out var since)) _holdingSince[key] = since = now;
        if (now - since < TimeSpan.FromSeconds(rule.ForSeconds)) return;
        _delivery.Send(_alerts.Start(task, rule.Kind, direction, message), rule);
    }

    /// <summary>Gives the deliveries under way a few seconds before the supervisor leaves.</summary>
    public void Dispose()
    {
        _delivery.Drain(TimeSpan.FromSeconds(20));
        _delivery.Dispose();
    }
}
