using MySqlConnector;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.State;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// The schema tracker: follows the task's tables through the DDL the binlog reader meets, before the rows that
/// follow a DDL are decoded. Each DDL's effect (decided by <see cref="DdlPlanner"/>) is recorded in the schema
/// history at the position after it: the new shape (found by <see cref="SchemaScratch"/>), and whether the table
/// belongs to the task from there on. The reader decodes the tables that belong, with their shape at the rows'
/// position; the applier reads the same history to know the tables it writes.
/// </summary>
internal sealed class DdlTracker
{
    private readonly string _task;
    private readonly Direction _direction;
    private readonly DdlPlanner _planner;
    private readonly TaskRules _rules;
    private readonly bool _synchronize;
    private readonly SchemaHistory _history;
    private readonly SchemaScratch _scratch;
    private readonly MySqlEndpoint _source;
    private readonly Action<string> _log;
    private readonly Dictionary<(string, string), TableMapping> _members;
    private readonly Dictionary<(string, string), TableSchema> _initial;

    public DdlTracker(string task, Direction direction, DdlPlanner planner, TaskRules rules, bool synchronize, SchemaHistory history,
        SchemaScratch scratch, MySqlEndpoint source, IEnumerable<Runtime.TaskTable> tables, Action<string> log)
    {
        _task = task;
        _direction = direction;
        _planner = planner;
        _rules = rules;
        _synchronize = synchronize;
        _history = history;
        _scratch = scratch;
        _source = source;
        _log = log;
        var list = tables.ToList();
        _members = list.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable), t => t.Mapping);
        _initial = list.ToDictionary(t => (t.Mapping.SourceDatabase, t.Mapping.SourceTable), t => t.Schema);
    }

    /// <summary>
    /// Whether the reader decodes a table's rows: the task's tables, and (with DDL synchronization) tables under
    /// its rules, whose rows may belong to a CREATE TABLE ... SELECT the same transaction makes them join with.
    /// </summary>
    public bool Includes(string database, string table) =>
        _members.ContainsKey((database, table))
        || _synchronize && _rules.IsSelected(database, table) && !_planner.IsShadow((database, table), _members);

    /// <summary>Records the DDL's effect on the task's tables, as in force from <paramref name="end"/> on.</summary>
    public async ValueTask OnDdlAsync(string database, string statement, BinlogPosition end, CancellationToken cancellationToken)
    {
        var plan = _planner.Plan(statement, database, _members);
        if (!plan.Concerns && plan.Changes.Count == 0) return;
        var file = CheckpointPosition.FileSequence(end.File);
        var known = new Dictionary<(string, string), TableSchema?>();
        var departed = new Dictionary<(string, string), TableSchema?>();
        async Task<TableSchema?> Before((string, string) name)
        {
            if (known.TryGetValue(name, out var shape)) return shape;
            // The newest version before the statement; a table the task never recorded is read as the source has it.
            shape = _history.Latest(_task, _direction, name.Item1, name.Item2, file, end.Position - 1) is { } version
                ? version.Schema
                : _initial.GetValueOrDefault(name) ?? await CurrentAsync(name, cancellationToken).ConfigureAwait(false);
            known[name] = shape;
            return shape;
        }

        Dictionary<(string, string), TableSchema?>? ran = null;
        var byStatement = plan.Changes.Where(c => c.Shape == ShapeSource.Statement).Select(c => c.Source).Distinct().ToList();
        if (byStatement.Count > 0)
        {
            try
            {
                ran = await _scratch.RunAsync(plan.Statement, database, Before, await DatabaseAsync(plan, cancellationToken).ConfigureAwait(false),
                    byStatement, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MySqlException or OmsException)
            {
                _log($"the shape after DDL at {end} could not be worked out on a scratch copy ({e.Message}); reading the source's present definition instead");
            }
        }

        foreach (var change in plan.Changes)
        {
            var schema = change.Shape switch
            {
                ShapeSource.Gone => null,
                ShapeSource.Unchanged => await Before(change.Source).ConfigureAwait(false),
                ShapeSource.CopyOf => departed.GetValueOrDefault(change.CopyFrom!.Value) ?? await Before(change.CopyFrom!.Value).ConfigureAwait(false),
                ShapeSource.Statement when ran is not null => ran.GetValueOrDefault(change.Source),
                _ => await CurrentAsync(change.Source, cancellationToken).ConfigureAwait(false),
            };
            if (change.Shape == ShapeSource.Gone) departed[change.Source] = await Before(change.Source).ConfigureAwait(false);
            if (schema is not null && (schema.Database, schema.Name) != change.Source)
                schema = TargetSchema.For(schema, new CreateTableOptions { TargetDatabase = change.Source.Database, TargetTable = change.Source.Table });
            known[change.Source] = schema;
            _history.Record(_task, _direction, change.Source.Database, change.Source.Table, schema, change.Mapping, change.Member && schema is not null,
                file, end.Position);
            if (change.Member && change.Mapping is not null) _members[change.Source] = change.Mapping;
            else _members.Remove(change.Source);
            if (change.Member && schema is null)
                _log($"the shape of {change.Source.Database}.{change.Source.Table} after DDL at {end} is unknown; its rows cannot be synchronized");
        }
    }

    private async Task<TableSchema?> CurrentAsync((string Database, string Table) name, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await new MySqlSchemaReader(connection).ReadTableAsync(name.Database, name.Table, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The default charset of the database a new table goes to: its columns take it when they name none.</summary>
    private async Task<DatabaseSchema?> DatabaseAsync(DdlPlan plan, CancellationToken cancellationToken)
    {
        var database = plan.Statement.Subject?.Resolve(plan.Database)?.Database ?? plan.Database;
        if (database.Length == 0) return null;
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await new MySqlSchemaReader(connection).ReadDatabaseAsync(database, cancellationToken).ConfigureAwait(false);
    }
}
