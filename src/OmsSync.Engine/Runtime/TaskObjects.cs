using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.Runtime;

/// <summary>One table of a task: where it goes, what of it moves, its source schema and the target's expected shape.</summary>
public sealed record TaskTable(TableMapping Mapping, TableSchema Schema, CreateTableOptions TargetOptions);

/// <summary>One view of a task and its target name.</summary>
public sealed record TaskView(ViewSchema View, ObjectName Target);

/// <summary>
/// The objects a task moves, resolved against the source as it is now: the task's include and exclude
/// rules, renames, row filters and column selections applied to the tables and views found there.
/// </summary>
public sealed class TaskObjects
{
    private TaskObjects(IReadOnlyList<TaskTable> tables, IReadOnlyList<TaskView> views, IReadOnlyList<(DatabaseSchema Source, string Target)> databases,
        ObjectMapping mapping, IReadOnlyList<RuleProblem> warnings)
    {
        Tables = tables;
        Views = views;
        Databases = databases;
        Mapping = mapping;
        Warnings = warnings;
    }

    public IReadOnlyList<TaskTable> Tables { get; }
    public IReadOnlyList<TaskView> Views { get; }
    public IReadOnlyList<(DatabaseSchema Source, string Target)> Databases { get; }
    public ObjectMapping Mapping { get; }
    /// <summary>Problems with the rules that do not stop the task (e.g. a rename that matches nothing).</summary>
    public IReadOnlyList<RuleProblem> Warnings { get; }

    public static async Task<TaskObjects> ResolveAsync(ISchemaSource reader, MigrationTask task, CancellationToken cancellationToken)
    {
        var found = new List<SchemaObject>();
        var databases = await reader.ListDatabasesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var database in databases)
            found.AddRange(await reader.ListObjectsAsync(database.Name, cancellationToken).ConfigureAwait(false));

        // Row filters run on the source inside OmsSync's statements: refused unless each is one condition on a table of the task.
        RowFilterCheck.EnsureValid(task, reader is Postgres.Schema.PostgresSchemaReader);
        var mapper = new ObjectMapper(task.Include, task.Exclude, task.Renames);
        var mapping = mapper.Map(found.Select(o => new ObjectName(o.Database, o.Name)));
        var blocking = mapping.Problems.Where(p => p.Blocking).ToList();
        if (blocking.Count > 0)
            throw new OmsException(blocking[0].Kind.ToString(), OmsErrorKind.InvalidArgument, task.Name,
                string.Join(Environment.NewLine, blocking.Select(p => p.Message)) +
                Environment.NewLine + "Correct the task's -Include, -Exclude or -Rename with Set-OmsTask.");

        var kinds = found.ToDictionary(o => new ObjectName(o.Database, o.Name), o => o.Kind);
        var tables = new List<TaskTable>();
        var views = new List<TaskView>();
        foreach (var group in mapping.Objects.GroupBy(o => o.Source.Database))
        {
            var tableNames = group.Where(o => kinds[o.Source] == SchemaObjectKind.Table).Select(o => o.Source.Name).ToList();
            var schemas = tableNames.Count == 0 ? []
                : await reader.ReadTablesAsync(group.Key, tableNames, cancellationToken).ConfigureAwait(false);
            foreach (var schema in schemas)
            {
                var target = mapping.TargetOf(new ObjectName(schema.Database, schema.Name))!;
                var key = $"{schema.Database}.{schema.Name}";
                var columns = Lookup(task.Columns, key);
                var tableMapping = new TableMapping
                {
                    SourceDatabase = schema.Database, SourceTable = schema.Name,
                    TargetDatabase = target.Database, TargetTable = target.Name,
                    Columns = columns, RowFilter = Lookup(task.RowFilters, key), Partitions = Lookup(task.Partitions, key),
                };
                var options = new CreateTableOptions
                {
                    TargetDatabase = target.Database, TargetTable = target.Name, Columns = columns,
                    IncludeSecondaryIndexes = task.IndexMigration == IndexMigration.WithSchema,
                    // A versioned table takes its history as plain rows until cut-over (or the end of a copy without synchronization).
                    VersioningDeferred = true,
                };
                tables.Add(new TaskTable(tableMapping, schema, options));
            }
            var viewNames = group.Where(o => kinds[o.Source] == SchemaObjectKind.View).Select(o => o.Source.Name).ToList();
            if (viewNames.Count > 0)
                foreach (var view in await reader.ReadViewsAsync(group.Key, viewNames, cancellationToken).ConfigureAwait(false))
                    views.Add(new TaskView(view, mapping.TargetOf(new ObjectName(view.Database, view.Name))!));
        }
        var usedDatabases = mapping.Objects.Select(o => o.Source.Database).ToHashSet();
        var databaseTargets = databases.Where(d => usedDatabases.Contains(d.Name))
            .SelectMany(d => mapping.Objects.Where(o => o.Source.Database == d.Name).Select(o => (d, o.Target.Database)))
            .Distinct().ToList();
        return new TaskObjects(tables, views, databaseTargets, mapping, mapping.Problems.Where(p => !p.Blocking).ToList());
    }

    /// <summary>The task's target tables that exist already on a target of any kind, keyed by "db.table"; one read per target database.</summary>
    public async Task<Dictionary<string, TableSchema>> ReadExistingTargetsAsync(ISchemaSource target, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, TableSchema>(StringComparer.Ordinal);
        foreach (var group in Tables.GroupBy(t => t.Mapping.TargetDatabase))
        {
            var found = (await target.ReadTablesAsync(group.Key, group.Select(t => t.Mapping.TargetTable), cancellationToken).ConfigureAwait(false))
                .ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var table in group)
                if (found.TryGetValue(table.Mapping.TargetTable, out var actual))
                    existing[table.Mapping.Target] = actual;
        }
        return existing;
    }

    /// <summary>
    /// The same objects with each table's schema replaced, e.g. by its counterpart in another database product's
    /// type system; views are left out (their SQL does not carry over between products).
    /// </summary>
    public TaskObjects MapTables(Func<TaskTable, TableSchema> map) =>
        new(Tables.Select(t => t with { Schema = map(t) }).ToList(), [], Databases, Mapping, Warnings);

    /// <summary>The same objects, views included, with each table's schema replaced by another reading of it in the same product.</summary>
    public TaskObjects WithSchemas(Func<TaskTable, TableSchema> map) =>
        new(Tables.Select(t => t with { Schema = map(t) }).ToList(), Views, Databases, Mapping, Warnings);

    /// <summary>Task options are keyed by "db.table"; MySQL table names may differ in case on some systems.</summary>
    internal static T? Lookup<T>(IReadOnlyDictionary<string, T> map, string key) where T : class =>
        map.TryGetValue(key, out var exact) ? exact
        : map.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}
