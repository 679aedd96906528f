using OmsSync.Engine.Conflicts;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The settings a running task direction takes up without a restart, as the state store holds them now: its conflict
/// rules (Set-OmsConflictPolicy) and its rate limits (Set-OmsTask -RowsPerSecond, -BytesPerSecond). The worker looks
/// at most once a second, between batches.
/// </summary>
internal sealed class LiveSettings
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TaskCatalog _tasks;
    private readonly string _task;
    private readonly Direction _direction;
    private IReadOnlyList<ConflictRule> _rules;
    private (long Rows, long Bytes) _limits;
    private TimeSpan _lastLook;

    public LiveSettings(TaskCatalog tasks, MigrationTask task, Direction direction)
    {
        _tasks = tasks;
        _task = task.Name;
        _direction = direction;
        _rules = task.ConflictRules;
        _limits = (task.RowsPerSecond, task.BytesPerSecond);
        Throttle = new Throttle(task.RowsPerSecond, task.BytesPerSecond);
    }

    /// <summary>Paces the batches applied; replaced when the limits change.</summary>
    public Throttle Throttle { get; private set; }

    /// <summary>
    /// Reads the settings again, at most once a second: new rate limits take effect at once (<see cref="Throttle"/>);
    /// true when the conflict rules differ from the ones in use, which the caller's apply plans must take up.
    /// </summary>
    public bool Look(TimeSpan now)
    {
        if (now - _lastLook < Interval) return false;
        _lastLook = now;
        if (_tasks.Find(_task)?.As(_direction) is not { } current) return false;
        if ((current.RowsPerSecond, current.BytesPerSecond) != _limits)
        {
            _limits = (current.RowsPerSecond, current.BytesPerSecond);
            Throttle = new Throttle(current.RowsPerSecond, current.BytesPerSecond);
        }
        if (current.ConflictRules.SequenceEqual(_rules)) return false;
        _rules = current.ConflictRules;
        return true;
    }

    public ConflictRule For(Direction direction, TableMapping table) =>
        ConflictRule.Resolve(_rules, direction, new ObjectName(table.SourceDatabase, table.SourceTable), new ObjectName(table.TargetDatabase, table.TargetTable));
}
