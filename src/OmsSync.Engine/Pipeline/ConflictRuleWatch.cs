using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The task's conflict rules as the state store holds them now: Set-OmsConflictPolicy changes them while
/// the worker runs, and the worker picks the change up within a couple of seconds, between batches.
/// </summary>
internal sealed class ConflictRuleWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TaskCatalog _tasks;
    private readonly string _task;
    private IReadOnlyList<ConflictRule> _rules;
    private TimeSpan _lastLook;

    public ConflictRuleWatch(TaskCatalog tasks, MigrationTask task)
    {
        _tasks = tasks;
        _task = task.Name;
        _rules = task.ConflictRules;
    }

    /// <summary>Looks at most once a second; true when the rules differ from the ones in use.</summary>
    public bool Changed(TimeSpan now)
    {
        if (now - _lastLook < Interval) return false;
        _lastLook = now;
        var current = _tasks.Find(_task)?.ConflictRules;
        if (current is null || current.SequenceEqual(_rules)) return false;
        _rules = current;
        return true;
    }

    public ConflictRule For(Direction direction, TableMapping table) =>
        ConflictRule.Resolve(_rules, direction, new ObjectName(table.SourceDatabase, table.SourceTable), new ObjectName(table.TargetDatabase, table.TargetTable));
}
