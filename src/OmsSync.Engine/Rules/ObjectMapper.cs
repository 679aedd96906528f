namespace OmsSync.Engine.Rules;

/// <summary>
/// OMS matching rules: selects source tables and views with include and exclude patterns and gives each its
/// target name through database and table renames.
/// </summary>
/// <remarks>
/// <para><b>Patterns</b> (<see cref="ObjectPattern"/>): <c>db</c> or <c>db.*</c> selects every table of db;
/// <c>*</c> and <c>?</c> are wildcards in either part; back-quoted parts are literal. An object is selected when
/// an include rule matches it and no exclude rule does.</para>
/// <para><b>Case</b>: MySQL on Linux tells <c>Orders</c> from <c>orders</c>, users often do not. Each rule first
/// matches exactly (case-sensitive) against the source objects; only when it matches nothing exactly does it
/// match ignoring case. So <c>shop.orders</c> picks <c>orders</c> when both exist, and <c>Orders</c> when only
/// that exists. Rename keys are looked up the same way: exact key first, then a key equal ignoring case.</para>
/// <para><b>Renames</b>: a key <c>shop</c> renames the database (value <c>shop_v2</c>); a key
/// <c>shop.orders</c> renames the table, to <c>shop_v2.order_hist</c> (database and table) or to
/// <c>order_hist</c> (the table, in the database's target). Target names are compared exactly when looking
/// for collisions, as a case-sensitive target tells them apart.</para>
/// </remarks>
public sealed class ObjectMapper
{
    private readonly List<ObjectPattern> _include = [];
    private readonly List<ObjectPattern> _exclude = [];
    private readonly List<RuleProblem> _ruleProblems = [];
    private readonly List<DatabaseRename> _databaseRenames = [];
    private readonly List<TableRename> _tableRenames = [];

    private sealed record DatabaseRename(string Rule, string Source, string Target);
    private sealed record TableRename(string Rule, ObjectName Source, string? TargetDatabase, string TargetTable);

    public ObjectMapper(IEnumerable<string> include, IEnumerable<string>? exclude = null, IReadOnlyDictionary<string, string>? renames = null)
    {
        ArgumentNullException.ThrowIfNull(include);
        foreach (var rule in include) AddPattern(rule, _include);
        foreach (var rule in exclude ?? []) AddPattern(rule, _exclude);
        foreach (var (key, value) in renames ?? new Dictionary<string, string>()) AddRename(key, value);
        if (_include.Count == 0 && !_ruleProblems.Any(p => p.Kind == RuleProblemKind.InvalidRule))
            _ruleProblems.Add(new RuleProblem(RuleProblemKind.IncludeMatchesNothing, "", true, "No include rule is given: name at least one database or table to migrate."));
    }

    /// <summary>Selects among <paramref name="sources"/> (every table and view of the source) and names each on the target.</summary>
    public ObjectMapping Map(IEnumerable<ObjectName> sources)
    {
        var list = sources.Distinct().ToList();
        var all = list.ToHashSet();
        var problems = new List<RuleProblem>(_ruleProblems);

        var included = new HashSet<ObjectName>();
        foreach (var rule in _include)
        {
            var matched = MatchAll(rule, list);
            if (matched.Count == 0)
                problems.Add(new RuleProblem(RuleProblemKind.IncludeMatchesNothing, rule.Rule, true,
                    $"Include rule '{rule.Rule}' matches no table or view on the source. Correct or remove the rule."));
            included.UnionWith(matched);
        }
        var excluded = new HashSet<ObjectName>();
        foreach (var rule in _exclude) excluded.UnionWith(MatchAll(rule, list));

        var selected = list.Where(o => included.Contains(o) && !excluded.Contains(o)).ToList();
        var mapped = selected.Select(o => new MappedObject(o, TargetOf(o, all))).ToList();
        var usedDatabaseRenames = selected.Select(o => ResolveDatabaseRename(o.Database)).OfType<DatabaseRename>().ToHashSet();
        var usedTableRenames = selected.Select(o => ResolveTableRename(o, all)).OfType<TableRename>().ToHashSet();

        foreach (var group in mapped.GroupBy(m => m.Target).Where(g => g.Count() > 1))
        {
            var sourcesText = string.Join(", ", group.Select(g => g.Source.ToString()));
            var rules = group.Select(g => RenameRuleFor(g.Source, all)).Where(r => r is not null).Distinct().ToList();
            problems.Add(new RuleProblem(RuleProblemKind.RenameCollision, string.Join(", ", rules), true,
                $"Rename collision: {sourcesText} would all become {group.Key}" +
                (rules.Count > 0 ? $" (rename rule{(rules.Count > 1 ? "s" : "")} {string.Join(", ", rules.Select(r => $"'{r}'"))})" : "") +
                ". Give them different target names."));
        }

        foreach (var rename in _databaseRenames)
        {
            if (!usedDatabaseRenames.Contains(rename))
                problems.Add(new RuleProblem(RuleProblemKind.RenameMatchesNothing, rename.Rule, false,
                    $"Rename rule '{rename.Rule}' renames database `{rename.Source}`, of which no table or view is selected; it has no effect."));
        }
        foreach (var rename in _tableRenames)
        {
            if (!usedTableRenames.Contains(rename))
                problems.Add(new RuleProblem(RuleProblemKind.RenameMatchesNothing, rename.Rule, false,
                    $"Rename rule '{rename.Rule}' renames {rename.Source}, which is not selected" +
                    (list.Any(o => ResolveTableRename(o, all) == rename) ? " (an exclude rule leaves it out)" : " (no such table or view on the source)") +
                    "; it has no effect."));
        }
        return new ObjectMapping(mapped, problems);
    }

    /// <summary>
    /// Whether one object is selected, e.g. a table created on the source after the task started. The case
    /// rule is applied to this name alone: a rule that does not match it exactly may match it ignoring case.
    /// </summary>
    public bool IsSelected(ObjectName source) =>
        _include.Any(r => r.Matches(source, ignoreCase: true)) && !_exclude.Any(r => r.Matches(source, ignoreCase: true));

    /// <summary>The target name of a source object by the rename rules alone (selection is not checked).</summary>
    public ObjectName TargetOf(ObjectName source) => TargetOf(source, new HashSet<ObjectName> { source });

    /// <summary>The target name of a database by the database rename rules.</summary>
    public string TargetDatabaseOf(string database) => ResolveDatabaseRename(database)?.Target ?? database;

    private ObjectName TargetOf(ObjectName source, IReadOnlySet<ObjectName> all)
    {
        var database = TargetDatabaseOf(source.Database);
        if (ResolveTableRename(source, all) is { } table)
            return new ObjectName(table.TargetDatabase ?? database, table.TargetTable);
        return new ObjectName(database, source.Name);
    }

    private string? RenameRuleFor(ObjectName source, IReadOnlySet<ObjectName> all) =>
        ResolveTableRename(source, all)?.Rule ?? ResolveDatabaseRename(source.Database)?.Rule;

    private DatabaseRename? ResolveDatabaseRename(string database) =>
        _databaseRenames.FirstOrDefault(r => r.Source == database)
        ?? _databaseRenames.FirstOrDefault(r => string.Equals(r.Source, database, StringComparison.OrdinalIgnoreCase));

    /// <summary>Exact key first; a key equal ignoring case applies only when no source object has the key's exact name.</summary>
    private TableRename? ResolveTableRename(ObjectName source, IReadOnlySet<ObjectName> all)
    {
        var exact = _tableRenames.FirstOrDefault(r => r.Source == source);
        if (exact is not null) return exact;
        return _tableRenames.FirstOrDefault(r =>
            string.Equals(r.Source.Database, source.Database, StringComparison.OrdinalIgnoreCase)
            && string.Equals(r.Source.Name, source.Name, StringComparison.OrdinalIgnoreCase)
            && !all.Contains(r.Source));
    }

    private static List<ObjectName> MatchAll(ObjectPattern rule, IReadOnlyList<ObjectName> all)
    {
        var exact = all.Where(o => rule.Matches(o, ignoreCase: false)).ToList();
        return exact.Count > 0 ? exact : all.Where(o => rule.Matches(o, ignoreCase: true)).ToList();
    }

    private void AddPattern(string rule, List<ObjectPattern> into)
    {
        if (ObjectPattern.TryParse(rule, out var error) is { } pattern) into.Add(pattern);
        else _ruleProblems.Add(new RuleProblem(RuleProblemKind.InvalidRule, rule, true, error!));
    }

    private void AddRename(string key, string value)
    {
        var rule = $"{key}={value}";
        if (!ObjectPattern.TrySplit(key, out var keyParts, out var error) || !ObjectPattern.TrySplit(value, out var valueParts, out error))
        {
            _ruleProblems.Add(new RuleProblem(RuleProblemKind.InvalidRule, rule, true, $"Rename rule '{rule}': {error}"));
            return;
        }
        string? invalid = null;
        if (keyParts.Any(p => !p.Quoted && (p.Text.Contains('*') || p.Text.Contains('?'))))
            invalid = "a rename key names one database or table; wildcards are not allowed";
        else if (keyParts.Count > 2 || valueParts.Count > 2)
            invalid = "use db=new_db, db.table=new_db.new_table or db.table=new_table; back-quote names that contain dots";
        else if (keyParts.Count == 1 && valueParts.Count != 1)
            invalid = "a database rename (key without a dot) takes a database name as its value";
        else if (valueParts.Any(p => !p.Quoted && (p.Text.Contains('*') || p.Text.Contains('?'))))
            invalid = "a rename target cannot contain wildcards";
        if (invalid is not null)
        {
            _ruleProblems.Add(new RuleProblem(RuleProblemKind.InvalidRule, rule, true, $"Rename rule '{rule}' is not valid: {invalid}."));
            return;
        }
        if (keyParts.Count == 1)
        {
            _databaseRenames.Add(new DatabaseRename(rule, keyParts[0].Text, valueParts[0].Text));
        }
        else
        {
            var source = new ObjectName(keyParts[0].Text, keyParts[1].Text);
            _tableRenames.Add(valueParts.Count == 2
                ? new TableRename(rule, source, valueParts[0].Text, valueParts[1].Text)
                : new TableRename(rule, source, null, valueParts[0].Text));
        }
    }
}
