using OmsSync.Engine.Changes;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The apply plan of each row change: by table, with the conflict rule in force. A change whose image lacks some
/// columns (an unchanged TOASTed value PostgreSQL did not send, a binlog row image that is not FULL) gets a plan that
/// writes only the columns it carries. A rule that compares before-images is refused where the source does not send them whole.
/// </summary>
internal sealed class ApplyPlans
{
    private readonly IChangeSource _source;
    private readonly ConflictRuleWatch _rules;
    private readonly Direction _direction;
    private readonly Dictionary<(string, string), List<TableApplyPlan>> _plans = new();
    private IReadOnlyDictionary<(string, string), TaskTable> _tables;

    public ApplyPlans(IReadOnlyDictionary<(string, string), TaskTable> tables, ConflictRuleWatch rules, Direction direction, IChangeSource source)
    {
        _tables = tables;
        _rules = rules;
        _direction = direction;
        _source = source;
    }

    /// <summary>After a DDL: the task's tables as it left them; every plan is made again.</summary>
    public void Reset(IReadOnlyDictionary<(string, string), TaskTable> tables)
    {
        _tables = tables;
        _plans.Clear();
    }

    /// <summary>The task's rules changed (Set-OmsConflictPolicy while running): every plan takes its table's new rule.</summary>
    public void RenewRules()
    {
        foreach (var plan in _plans.Values.SelectMany(p => p))
            plan.Rule = Rule(plan.Table);
    }

    /// <summary>The plan of a table's rows as they come now, or null when the table is not the task's.</summary>
    public TableApplyPlan? For(RowChange change)
    {
        var key = (change.Database, change.Table);
        if (!_tables.TryGetValue(key, out var table)) return null;
        if (!_plans.TryGetValue(key, out var plans)) _plans[key] = plans = [];
        var missing = Missing(change);
        foreach (var plan in plans)
            if (plan.Matches(change.ColumnNames, missing)) return plan;
        if (missing is not null)
            table = table with { Mapping = table.Mapping with { Columns = MovingColumnNames(table).Where(c => !missing.Contains(c)).ToList() } };
        var made = new TableApplyPlan(table, change.ColumnNames, missing) { Rule = Rule(table) };
        plans.Add(made);
        return made;
    }

    /// <summary>The plan of a whole table (for a TRUNCATE), or null when the table is not the task's.</summary>
    public TableApplyPlan? ForTable(string database, string name)
    {
        if (!_tables.TryGetValue((database, name), out var table)) return null;
        if (_plans.TryGetValue((database, name), out var plans) && plans.FirstOrDefault(p => p.Missing is null) is { } plan) return plan;
        var columns = table.Schema.Columns.Select(c => (string?)c.Name).ToList();
        var made = new TableApplyPlan(table, columns, null) { Rule = Rule(table) };
        if (!_plans.TryGetValue((database, name), out plans)) _plans[(database, name)] = plans = [];
        plans.Add(made);
        return made;
    }

    private Conflicts.ConflictRule Rule(TaskTable table)
    {
        var rule = _rules.For(_direction, table.Mapping);
        if (rule.ChecksBeforeImage && _source.MissingBeforeImages(table) is { } remedy)
            throw new OmsException("ConflictPolicyNotSupported", OmsErrorKind.NotSupported, table.Mapping.Source,
                $"Table '{table.Mapping.Source}' has conflict policy {rule.Policy}{(rule.DetectStale ? " with stale-row detection" : "")}, which compares the " +
                $"target row with the source's before-image, and its source does not send whole before-images: {remedy} " +
                "Or choose Ignore or Overwrite with Set-OmsConflictPolicy.");
        return rule;
    }

    // The names of the columns an after-image does not carry, or null when it carries them all.
    private static HashSet<string>? Missing(RowChange change)
    {
        if (change.After is not { } after) return null;
        HashSet<string>? missing = null;
        for (var i = 0; i < after.Count; i++)
            if (after[i] is ColumnNotLogged && change.ColumnNames[i] is { } name)
                (missing ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(name);
        return missing;
    }

    private static IEnumerable<string> MovingColumnNames(TaskTable table) => FullLoad.MovingColumns.Of(table.Schema, table.Mapping).Select(c => c.Name);
}
