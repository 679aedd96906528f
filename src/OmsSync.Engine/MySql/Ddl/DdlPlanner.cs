using OmsSync.Engine.Model;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// Decides what a DDL statement means for a task direction: which of its tables change shape, join or leave,
/// and what of the statement runs on the target, rewritten through the task's renames and column selections.
/// The schema tracker (reading the binlog) and the applier (writing the target) both ask it, each with the
/// task's tables as they stand at the statement, so they always agree.
/// </summary>
internal sealed class DdlPlanner
{
    private readonly TaskRules _rules;
    private readonly bool _synchronize;
    private readonly OnlineDdlTool _tool;
    private readonly bool _reverse;

    /// <param name="synchronize">DDL synchronization is on: tables join and leave the task, statements go to the target.</param>
    /// <param name="reverse">The reverse direction: shapes are tracked, nothing is applied, no table joins by the rules.</param>
    public DdlPlanner(TaskRules rules, bool synchronize, OnlineDdlTool tool, bool reverse)
    {
        _rules = rules;
        _synchronize = synchronize && !reverse;
        _tool = reverse ? OnlineDdlTool.None : tool;
        _reverse = reverse;
    }

    /// <param name="members">The task's tables before the statement, by source name, with their mappings.</param>
    public DdlPlan Plan(string statementText, string database, IReadOnlyDictionary<(string, string), TableMapping> members)
    {
        var statement = DdlParser.Parse(statementText);
        var plan = new DdlPlan(statement, database);
        var context = new Context(this, plan, members);
        switch (statement.Kind)
        {
            case DdlKind.CreateTable: context.CreateTable(); break;
            case DdlKind.AlterTable:
            case DdlKind.CreateIndex:
            case DdlKind.DropIndex: context.AlterTable(); break;
            case DdlKind.RenameTable: context.RenameTable(); break;
            case DdlKind.DropTable: context.DropTable(); break;
            case DdlKind.TruncateTable: context.Truncate(); break;
            case DdlKind.DropDatabase: context.DropDatabase(); break;
            case DdlKind.Unknown: context.Unknown(); break;
        }
        // Without DDL synchronization a statement on the task's tables waits for the DBA; the reverse direction only logs.
        if (plan.Concerns && !_synchronize && !_reverse && plan.Unsupported is null && plan.TouchesMember)
            plan.Unsupported = "DDL synchronization is off for this task; turn it on (Set-OmsTask -IncrementalDdl) and resume, " +
                               "or apply the change to the target yourself and skip the statement";
        if (_reverse || !_synchronize) plan.RunsStatement = false;
        return plan;
    }

    /// <summary>Whether a table is a shadow table of an online schema change of one of the task's tables.</summary>
    public bool IsShadow((string Database, string Table) name, IReadOnlyDictionary<(string, string), TableMapping> members) =>
        ShadowOf(name, members) is not null;

    private (string Original, ShadowRole Role)? ShadowOf((string Database, string Table) name, IReadOnlyDictionary<(string, string), TableMapping> members)
    {
        if (OnlineDdlNames.Parse(_tool, name.Table) is not { } shadow) return null;
        return members.ContainsKey((name.Database, shadow.Original)) || _rules.IsSelected(name.Database, shadow.Original) ? shadow : null;
    }

    /// <summary>The walk over one statement, with the task's tables as they change clause by clause.</summary>
    private sealed class Context(DdlPlanner planner, DdlPlan plan, IReadOnlyDictionary<(string, string), TableMapping> before)
    {
        private readonly Dictionary<(string, string), TableMapping> _members = new(before);
        private readonly Dictionary<string, TableMapping> _swappedOut = [];

        private DdlStatement Statement => plan.Statement;
        private bool Synchronize => planner._synchronize;

        public void CreateTable()
        {
            if (Resolve(Statement.Subject!) is not { } name) return;
            plan.Subject = Qualified(name);
            if (Shadow(name) is { } shadow)
            {
                Shadowed(name, shadow.Role);
                return;
            }
            if (_members.TryGetValue(name, out var existing))
            {
                plan.TouchesMember = true;
                // CREATE TABLE IF NOT EXISTS of a table that exists changes nothing; CREATE OR REPLACE replaces it.
                plan.Change(new TableChange(name, Statement.IfNotExists && !Statement.OrReplace ? ShapeSource.Unchanged : ShapeSource.Statement, existing, true));
                Run(Statement.Subject!, existing);
                FilterColumns(existing);
                return;
            }
            if (!Synchronize || !planner._rules.IsSelected(name.Item1, name.Item2))
            {
                TrackOutside(name, ShapeSource.Statement);
                return;
            }
            var mapping = planner._rules.MappingFor(name.Item1, name.Item2);
            _members[name] = mapping;
            plan.MembershipChanged = true;
            var like = Statement.Like is { } l ? Resolve(l) : null;
            if (like is { } source && !_members.ContainsKey(source))
            {
                // LIKE a table the target does not have: the new table is written from its shape instead.
                plan.Change(new TableChange(name, ShapeSource.Statement, mapping, true, CreateFromShape: true));
                plan.Note = $"{Qualified(source)} is not synchronized, so the table is created on the target from its definition";
                return;
            }
            plan.Change(new TableChange(name, ShapeSource.Statement, mapping, true));
            Run(Statement.Subject!, mapping);
            if (Statement.Like is { } likeName && like is { } likeSource) Name(likeName, _members[likeSource]);
            FilterColumns(mapping);
        }

        public void AlterTable()
        {
            if (Resolve(Statement.Subject!) is not { } name) return;
            plan.Subject = Qualified(name);
            if (Shadow(name) is { } shadow)
            {
                Shadowed(name, shadow.Role);
                return;
            }
            var renameClause = Statement.Clauses.FirstOrDefault(c => c.Kind == DdlClauseKind.RenameTable);
            var renamedTo = renameClause is null ? null : Resolve(renameClause.TableNames[0]);
            if (!_members.TryGetValue(name, out var mapping))
            {
                // ALTER TABLE outside ... RENAME TO a name under the rules: the table arrives with its rows.
                if (renamedTo is { } arriving && Synchronize && planner._rules.IsSelected(arriving.Item1, arriving.Item2) && Shadow(arriving) is null)
                {
                    Arrive(arriving, null);
                    return;
                }
                TrackOutside(name, renamedTo is null ? ShapeSource.Statement : ShapeSource.Gone);
                if (renamedTo is { } outside) TrackOutside(outside, ShapeSource.Statement);
                return;
            }
            plan.TouchesMember = true;
            if (Statement.Clauses.FirstOrDefault(c => c.Kind == DdlClauseKind.MovesRows) is { } moves)
            {
                plan.Unsupported = "it moves rows between tables without logging them as row changes (EXCHANGE or CONVERT PARTITION); " +
                                   "do the same on the target, then skip it with Skip-OmsDdl";
                plan.Change(new TableChange(name, ShapeSource.Statement, mapping, true));
                foreach (var partner in moves.TableNames.Select(Resolve).OfType<(string, string)>().Where(_members.ContainsKey))
                    plan.Change(new TableChange(partner, ShapeSource.Current, _members[partner], true));
                return;
            }
            var updated = SelectionAfter(mapping);
            Run(Statement.Subject!, mapping);
            FilterColumns(mapping);
            if (renamedTo is { } to)
            {
                _members.Remove(name);
                plan.MembershipChanged = true;
                plan.Change(new TableChange(name, ShapeSource.Gone, null, false));
                if (planner._rules.IsSelected(to.Item1, to.Item2) && Shadow(to) is null)
                {
                    var moved = planner._rules.MappingFor(to.Item1, to.Item2, updated);
                    _members[to] = moved;
                    plan.Change(new TableChange(to, ShapeSource.Statement, moved, true));
                    Name(renameClause!.TableNames[0], moved);
                }
                else
                {
                    plan.Removed.Add(renameClause!);
                    plan.Note = $"{Qualified(name)} is renamed to {Qualified(to)}, outside the task's rules: it leaves the task and keeps its name on the target";
                }
            }
            else
            {
                plan.Change(new TableChange(name, ShapeSource.Statement, updated, true));
            }
        }

        public void RenameTable()
        {
            foreach (var pair in Statement.Clauses)
            {
                var (fromName, toName) = (pair.TableNames[0], pair.TableNames[1]);
                if (Resolve(fromName) is not { } from || Resolve(toName) is not { } to)
                {
                    plan.Removed.Add(pair);
                    continue;
                }
                plan.Subject ??= Qualified(from);
                var toShadow = Shadow(to);
                var fromShadow = Shadow(from);
                if (_members.TryGetValue(from, out var mapping))
                {
                    plan.TouchesMember = true;
                    plan.MembershipChanged = true;
                    _members.Remove(from);
                    plan.Change(new TableChange(from, ShapeSource.Gone, null, false));
                    if (toShadow is { Role: ShadowRole.Old } && toShadow.Value.Original == from.Item2)
                    {
                        // An online schema change swaps the table out: the target keeps it, the ghost's changes come next.
                        _swappedOut[from.Item2] = mapping;
                        plan.Change(new TableChange(to, ShapeSource.CopyOf, null, false, CopyFrom: from));
                        plan.Removed.Add(pair);
                    }
                    else if (planner._rules.IsSelected(to.Item1, to.Item2) && toShadow is null)
                    {
                        var moved = planner._rules.MappingFor(to.Item1, to.Item2, mapping);
                        _members[to] = moved;
                        plan.Change(new TableChange(to, ShapeSource.CopyOf, moved, true, CopyFrom: from));
                        Name(fromName, mapping);
                        Name(toName, moved);
                        plan.RunsStatement = true;
                        if (mapping.TargetDatabase == moved.TargetDatabase && mapping.TargetTable == moved.TargetTable) plan.Removed.Add(pair);
                    }
                    else
                    {
                        plan.Removed.Add(pair);
                        plan.Note = $"{Qualified(from)} is renamed to {Qualified(to)}, outside the task's rules: it leaves the task and keeps its name on the target";
                    }
                    continue;
                }
                plan.Removed.Add(pair);
                if (fromShadow is { Role: ShadowRole.Ghost } ghost && ghost.Original == to.Item2 && from.Item1 == to.Item1)
                {
                    // The ghost table is swapped in: the original table takes its shape, and its held statements.
                    var original = _swappedOut.GetValueOrDefault(to.Item2) ?? (_members.TryGetValue(to, out var m) ? m : planner._rules.MappingFor(to.Item1, to.Item2));
                    _members[to] = original;
                    plan.TouchesMember = true;
                    plan.MembershipChanged = true;
                    plan.Change(new TableChange(from, ShapeSource.Gone, null, false));
                    plan.Change(new TableChange(to, ShapeSource.CopyOf, original, true, CopyFrom: from));
                    plan.CutOver = (from, to);
                    plan.Subject = Qualified(to);
                    continue;
                }
                if (fromShadow is not null)
                {
                    plan.Change(new TableChange(from, ShapeSource.Gone, null, false));
                    if (toShadow is not null) plan.Change(new TableChange(to, ShapeSource.CopyOf, null, false, CopyFrom: from));
                    continue;
                }
                if (Synchronize && planner._rules.IsSelected(to.Item1, to.Item2) && toShadow is null)
                {
                    Arrive(to, null);
                    continue;
                }
                TrackOutside(from, ShapeSource.Gone);
                TrackOutside(to, ShapeSource.CopyOf, from);
            }
        }

        public void DropTable()
        {
            foreach (var item in Statement.Clauses)
            {
                if (Resolve(item.TableNames[0]) is not { } name)
                {
                    plan.Removed.Add(item);
                    continue;
                }
                if (_members.TryGetValue(name, out var mapping))
                {
                    plan.TouchesMember = true;
                    plan.MembershipChanged = true;
                    plan.Subject ??= Qualified(name);
                    _members.Remove(name);
                    plan.Change(new TableChange(name, ShapeSource.Gone, null, false));
                    Name(item.TableNames[0], mapping);
                    plan.RunsStatement = true;
                    continue;
                }
                plan.Removed.Add(item);
                if (Shadow(name) is not null)
                {
                    plan.Subject ??= Qualified(name);
                    plan.Change(new TableChange(name, ShapeSource.Gone, null, false));
                    plan.Note = "the shadow tables of an online schema change tool are not synchronized";
                }
                else
                {
                    TrackOutside(name, ShapeSource.Gone);
                }
            }
        }

        public void Truncate()
        {
            if (Resolve(Statement.Subject!) is not { } name || !_members.TryGetValue(name, out var mapping)) return;
            plan.TouchesMember = true;
            plan.Subject = Qualified(name);
            plan.Change(new TableChange(name, ShapeSource.Unchanged, mapping, true));
            Run(Statement.Subject!, mapping);
        }

        public void DropDatabase()
        {
            var gone = _members.Keys.Where(k => k.Item1 == Statement.Database).ToList();
            if (gone.Count == 0) return;
            plan.TouchesMember = true;
            plan.MembershipChanged = true;
            plan.Subject = Statement.Database;
            foreach (var name in gone) plan.Change(new TableChange(name, ShapeSource.Gone, null, false));
            plan.Unsupported = $"it drops database `{Statement.Database}` with {gone.Count} table(s) of the task; drop them on the target yourself if you mean to, then skip it with Skip-OmsDdl";
        }

        public void Unknown()
        {
            var named = Statement.MentionedNames()
                .Select(n => (n.Database ?? plan.Database, n.Name)).Where(_members.ContainsKey).Distinct().ToList();
            if (named.Count == 0) return;
            plan.TouchesMember = true;
            plan.Subject = Qualified(named[0]);
            foreach (var name in named) plan.Change(new TableChange(name, ShapeSource.Current, _members[name], true));
            plan.Unsupported = "OmsSync does not know this statement; apply its effect on the target yourself, then skip it with Skip-OmsDdl";
        }

        private void Arrive((string, string) name, TableMapping? carried)
        {
            var mapping = planner._rules.MappingFor(name.Item1, name.Item2, carried);
            _members[name] = mapping;
            plan.MembershipChanged = true;
            plan.Subject ??= Qualified(name);
            plan.Change(new TableChange(name, ShapeSource.Current, mapping, true, Arrives: true));
            plan.Note ??= $"{Qualified(name)} comes under the task's rules: it is created on the target and its rows copied";
        }

        /// <summary>A statement on a shadow table: the ghost's shape is tracked and the statement held for the swap; the others are ignored.</summary>
        private void Shadowed((string, string) name, ShadowRole role)
        {
            if (role == ShadowRole.Ghost)
            {
                plan.Change(new TableChange(name, ShapeSource.Statement, null, false));
                plan.Deferred = true;
                plan.Note = "held for the online schema change's table swap";
            }
            else
            {
                plan.Concerns = true;
                plan.Note = "the shadow tables of an online schema change tool are not synchronized";
            }
        }

        /// <summary>
        /// Follows the shape of a table outside the task in one of the task's databases: a table of the task may later
        /// be created LIKE it, when the source may have altered or dropped it already.
        /// </summary>
        private void TrackOutside((string Database, string Table) name, ShapeSource shape, (string, string)? copyFrom = null)
        {
            if (Synchronize && _members.Keys.Any(k => k.Item1 == name.Database))
                plan.Track(new TableChange(name, shape, null, false, CopyFrom: copyFrom));
        }

        private void Run(DdlTableName name, TableMapping mapping)
        {
            Name(name, mapping);
            plan.RunsStatement = true;
        }

        private void Name(DdlTableName name, TableMapping mapping)
        {
            plan.TargetNames[name.First] = MySqlSyntax.QuoteQualified(mapping.TargetDatabase, mapping.TargetTable);
            plan.TargetTables.Add((mapping.TargetDatabase, mapping.TargetTable));
        }

        /// <summary>
        /// Leaves out what the target does not take: foreign keys (not migrated) and, for a table with a column
        /// selection, the clauses about columns the task does not move.
        /// </summary>
        private void FilterColumns(TableMapping mapping)
        {
            var selected = mapping.Columns is null ? null : new HashSet<string>(mapping.Columns, StringComparer.OrdinalIgnoreCase);
            foreach (var clause in Statement.Clauses)
            {
                if (clause.Kind is DdlClauseKind.AddForeignKey or DdlClauseKind.DropForeignKey or DdlClauseKind.ForeignKey)
                {
                    plan.Removed.Add(clause);
                    continue;
                }
                if (selected is null) continue;
                var keep = clause.Kind switch
                {
                    DdlClauseKind.AddColumn => clause.Columns.All(selected.Contains),
                    DdlClauseKind.Column or DdlClauseKind.DropColumn or DdlClauseKind.ModifyColumn or DdlClauseKind.ChangeColumn
                        or DdlClauseKind.RenameColumn or DdlClauseKind.AlterColumn => clause.Columns.Count == 0 || selected.Contains(clause.Columns[0]),
                    DdlClauseKind.AddIndex or DdlClauseKind.Index => clause.Columns.All(selected.Contains),
                    _ => true,
                };
                if (!keep) plan.Removed.Add(clause);
            }
            if (selected is not null && plan.Removed.Count > 0)
                plan.Note ??= "clauses about columns the task does not move are left out";
            if (Statement.Kind is DdlKind.CreateIndex && plan.Removed.Count > 0) plan.RunsStatement = false;
            if (Statement.Kind is DdlKind.AlterTable && Statement.Clauses.Count > 0 && Statement.Clauses.All(plan.Removed.Contains))
                plan.RunsStatement = false;
        }

        /// <summary>The mapping after the statement: a selected column renamed or dropped is renamed or dropped in the selection.</summary>
        private TableMapping SelectionAfter(TableMapping mapping)
        {
            if (mapping.Columns is null) return mapping;
            var columns = mapping.Columns.ToList();
            foreach (var clause in Statement.Clauses)
            {
                var at = clause.Columns.Count == 0 ? -1 : columns.FindIndex(c => string.Equals(c, clause.Columns[0], StringComparison.OrdinalIgnoreCase));
                if (at < 0) continue;
                if (clause.Kind is DdlClauseKind.ChangeColumn or DdlClauseKind.RenameColumn && clause.NewColumn is { } renamed) columns[at] = renamed;
                else if (clause.Kind == DdlClauseKind.DropColumn) columns.RemoveAt(at);
            }
            return mapping with { Columns = columns };
        }

        private (string Original, ShadowRole Role)? Shadow((string Database, string Table) name) =>
            planner.ShadowOf(name, before) ?? planner.ShadowOf(name, _members);

        private (string, string)? Resolve(DdlTableName name) => name.Resolve(plan.Database);

        private static string Qualified((string Database, string Table) name) => $"{name.Database}.{name.Table}";
    }
}
