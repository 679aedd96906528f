using OmsSync.Engine.Conflicts;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The settings a running task direction takes up without a restart, as the state store holds them now: its conflict
/// rules (Set-OmsConflictPolicy) and its rate limits (Set-OmsTask -RowsPerSecond, -BytesPerSecond). It also notices
/// when the direction's objects change (Set-OmsTask -Include, -Exclude, -Rename, -RowFilter, -Column; for the reverse
/// direction, also a table starting to join), which the worker meets by running the phases again. The worker
/// looks at most once a second, between batches.
/// </summary>
internal sealed class LiveSettings
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TaskCatalog _tasks;
    private readonly string _task;
    private readonly Direction _direction;
    private readonly TableWindowStore _windows;
    private readonly string _objects;
    private IReadOnlyList<ConflictRule> _rules;
    private (long Rows, long Bytes) _limits;
    private TimeSpan _lastLook;

    public LiveSettings(TaskCatalog tasks, TableWindowStore windows, MigrationTask task, Direction direction)
    {
        _tasks = tasks;
        _windows = windows;
        _task = task.Name;
        _direction = direction;
        _objects = ObjectsOf(task);
        _rules = task.ConflictRules;
        _limits = (task.RowsPerSecond, task.BytesPerSecond);
        Throttle = new Throttle(task.RowsPerSecond, task.BytesPerSecond);
    }

    /// <summary>True once the direction's objects differ from those it started with.</summary>
    public bool ObjectsChanged { get; private set; }

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
        ObjectsChanged = ObjectsOf(current) != _objects;
        if ((current.RowsPerSecond, current.BytesPerSecond) != _limits)
        {
            _limits = (current.RowsPerSecond, current.BytesPerSecond);
            Throttle = new Throttle(current.RowsPerSecond, current.BytesPerSecond);
        }
        if (current.ConflictRules.SequenceEqual(_rules)) return false;
        _rules = current.ConflictRules;
        return true;
    }

    /// <summary>
    /// What decides the direction's tables, as text: the task's object rules, and for the reverse direction also the
    /// tables joining (a table the forward direction is about to copy is taken in first).
    /// </summary>
    private string ObjectsOf(MigrationTask task)
    {
        var text = new System.Text.StringBuilder();
        void Add(string name, IEnumerable<string> values) => text.Append(name).Append('=').AppendJoin('\u001f', values).Append('\u001e');
        Add("include", task.Include);
        Add("exclude", task.Exclude);
        Add("renames", task.Renames.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "\u001d" + p.Value));
        Add("filters", task.RowFilters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "\u001d" + p.Value));
        Add("columns", task.Columns.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "\u001d" + string.Join(",", p.Value)));
        if (_direction == Direction.Reverse)
            Add("joining", _windows.Read(task.Name, _direction).Keys.Order(StringComparer.Ordinal));
        return text.ToString();
    }

    public ConflictRule For(Direction direction, TableMapping table) =>
        ConflictRule.Resolve(_rules, direction, new ObjectName(table.SourceDatabase, table.SourceTable), new ObjectName(table.TargetDatabase, table.TargetTable));
}
