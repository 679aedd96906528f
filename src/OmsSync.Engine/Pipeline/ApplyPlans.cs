using OmsSync.Engine.Changes;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The apply plan of each row change: by table, with the conflict rule in force. A change whose image lacks some
/// columns (an unchanged TOASTed value PostgreSQL did not send, a binlog row image that is not FULL) gets a plan that
/// writes only the columns it carries. A rule that compares before-images is refused where the source does not send them whole.
/// A change of a kind the direction does not apply (-DmlTypes) has no plan, like a change of a table that is not the task's:
/// it is dropped here, before row filters, mapping and conflict handling see it, whichever servers the direction joins.
/// </summary>
internal sealed class ApplyPlans
{
    private readonly IChangeSource _source;
    private readonly LiveSettings _rules;
    private readonly Direction _direction;
    private readonly DmlTypes _applied;
    private readonly Dictionary<(string, string), List<TableApplyPlan>> _plans = new();
    private IReadOnlyDictionary<(string, string), TaskTable> _tables;

    public ApplyPlans(IReadOnlyDictionary<(string, string), TaskTable> tables, LiveSettings rules, Direction direction, IChangeSource source,
        DmlTypes applied = DmlTypes.All)
    {
        _applied = applied;
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

    /// <summary>The plan of a table's rows as they come now, or null when the table is not the task's or the direction does not apply the change's kind.</summary>
    public TableApplyPlan? For(RowChange change)
    {
        if (!Applies(change.Kind)) return null;
        var key = (change.Database, change.Table);
        if (!_tables.TryGetValue(key, out var table)) return null;
        if (!_plans.TryGetValue(key, out var plans)) _plans[key] = plans = [];
        var missing = Missing(change);
        foreach (var plan in plans)
            if (plan.Matches(change.ColumnNames, missing)) return plan;
        if (missing is not null)
            table = table with { Mapping = table.Mapping with { Columns = MovingColumnNames(table).Where(c => !missing.Contains(c)).ToList() } };
        var made = new TableApplyPlan(table, change.ColumnNames, missing) { Rule = Rule(table), Links = Links(table, change.ColumnNames), Cascading = Cascading(table) };
        plans.Add(made);
        return made;
    }

    /// <summary>
    /// The plan of a whole table (for a TRUNCATE), or null when the table is not the task's, or the direction does not apply
    /// deletes (a TRUNCATE deletes every row).
    /// </summary>
    public TableApplyPlan? ForTable(string database, string name)
    {
        if (!_applied.HasFlag(DmlTypes.Delete)) return null;
        if (!_tables.TryGetValue((database, name), out var table)) return null;
        if (_plans.TryGetValue((database, name), out var plans) && plans.FirstOrDefault(p => p.Missing is null) is { } plan) return plan;
        var columns = table.Schema.Columns.Select(c => (string?)c.Name).ToList();
        var made = new TableApplyPlan(table, columns, null) { Rule = Rule(table), Links = Links(table, columns), Cascading = Cascading(table) };
        if (!_plans.TryGetValue((database, name), out plans)) _plans[(database, name)] = plans = [];
        plans.Add(made);
        return made;
    }

    /// <summary>
    /// What the target's foreign keys must do for this table's deletes and key changes, when the source does not log what
    /// its own did; nothing when it does (its cascaded rows arrive as changes of their own).
    /// </summary>
    private Cascade Cascading(TaskTable table)
    {
        if (_source.LogsCascades) return Cascade.None;
        static bool Acts(ForeignKeyAction action) => action is ForeignKeyAction.Cascade or ForeignKeyAction.SetNull or ForeignKeyAction.SetDefault;
        var acting = ChildrenOf(table).Where(c => Acts(c.Key.OnDelete) || Acts(c.Key.OnUpdate)).ToList();
        if (acting.Count == 0) return Cascade.None;
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<TaskTable>(acting.Select(c => c.Child));
        while (pending.TryDequeue(out var child))
            if (reached.Add($"{child.Mapping.TargetDatabase}.{child.Mapping.TargetTable}"))
                foreach (var (grandchild, _) in ChildrenOf(child)) pending.Enqueue(grandchild);
        return new Cascade(acting.Any(c => Acts(c.Key.OnDelete)),
            acting.Where(c => Acts(c.Key.OnUpdate)).SelectMany(c => c.Key.ReferencedColumns).ToHashSet(StringComparer.OrdinalIgnoreCase), reached,
            acting.Where(c => Acts(c.Key.OnDelete))
                .Select(c => new CascadeChild(c.Child.Mapping.TargetDatabase, c.Child.Mapping.TargetTable, c.Key.Columns, c.Key.ReferencedColumns, c.Key.OnDelete)).ToList());
    }

    private IEnumerable<(TaskTable Child, ForeignKeySchema Key)> ChildrenOf(TaskTable parent) =>
        _tables.Values.SelectMany(t => t.Schema.ForeignKeys
            .Where(f => f.ReferencedDatabase == parent.Mapping.SourceDatabase && f.ReferencedTable == parent.Mapping.SourceTable)
            .Select(f => (t, f)));

    /// <summary>The keys foreign keys between the task's tables link this one by: as a child, and as a parent.</summary>
    private List<KeyLink> Links(TaskTable table, IReadOnlyList<string?> image)
    {
        var links = new List<KeyLink>();
        foreach (var fk in table.Schema.ForeignKeys)
            if (_tables.TryGetValue((fk.ReferencedDatabase, fk.ReferencedTable), out var parent))
                links.Add(Link(parent, fk, table.Schema, fk.Columns, image));
        foreach (var child in _tables.Values)
            foreach (var fk in child.Schema.ForeignKeys.Where(f => f.ReferencedDatabase == table.Mapping.SourceDatabase && f.ReferencedTable == table.Mapping.SourceTable))
                if (Link(table, fk, child.Schema, fk.ReferencedColumns, image) is var link && links.All(l => l.Name != link.Name))
                    links.Add(link);
        return links;
    }

    // The link of a foreign key, with the values taken from this table's image by the named columns.
    private static KeyLink Link(TaskTable parent, ForeignKeySchema fk, TableSchema child, IReadOnlyList<string> columns, IReadOnlyList<string?> image)
    {
        var name = $"{parent.Mapping.TargetDatabase}.{parent.Mapping.TargetTable}|{string.Join(",", fk.ReferencedColumns.Select(c => c.ToLowerInvariant()))}";
        var exact = fk.Columns.All(c => TableApplyPlan.HashesExactly(child.Columns.FirstOrDefault(s => string.Equals(s.Name, c, StringComparison.OrdinalIgnoreCase))))
                    && fk.ReferencedColumns.All(c => TableApplyPlan.HashesExactly(parent.Schema.Columns.FirstOrDefault(s => string.Equals(s.Name, c, StringComparison.OrdinalIgnoreCase))));
        var positions = columns.Select(c => image.ToList().FindIndex(n => string.Equals(n, c, StringComparison.OrdinalIgnoreCase))).ToList();
        return new KeyLink(name, positions, exact && positions.All(p => p >= 0));
    }

    private bool Applies(RowChangeKind kind) => _applied.HasFlag(kind switch
    {
        RowChangeKind.Insert => DmlTypes.Insert,
        RowChangeKind.Update => DmlTypes.Update,
        _ => DmlTypes.Delete,
    });

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
