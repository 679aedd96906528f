using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// A task's object rules applied to one table at a time, for tables that appear while the task runs: whether
/// the rules select it, and its mapping (target name, column selection, row filter) and target shape options.
/// </summary>
internal sealed class TaskRules
{
    private readonly MigrationTask _task;
    private readonly ObjectMapper _mapper;
    // The reader asks for every table whose rows it meets: the rules do not change, so the answers are kept.
    private readonly Dictionary<(string, string), bool> _selected = [];

    public TaskRules(MigrationTask task)
    {
        _task = task;
        _mapper = new ObjectMapper(task.Include, task.Exclude, task.Renames);
    }

    public bool IsSelected(string database, string table)
    {
        if (_selected.TryGetValue((database, table), out var known)) return known;
        var selected = !MySqlSchemaReader.SystemDatabases.Contains(database) && !database.StartsWith("oms_ddl_", StringComparison.Ordinal)
                       && _mapper.IsSelected(new ObjectName(database, table));
        if (_selected.Count < 100_000) _selected[(database, table)] = selected;
        return selected;
    }

    /// <summary>
    /// The mapping of a table by the rules; a table renamed within the task keeps the column selection and row
    /// filter it had (<paramref name="carried"/>) unless the rules name the new table themselves.
    /// </summary>
    public TableMapping MappingFor(string database, string table, TableMapping? carried = null)
    {
        var target = _mapper.TargetOf(new ObjectName(database, table));
        var key = $"{database}.{table}";
        return new TableMapping
        {
            SourceDatabase = database, SourceTable = table, TargetDatabase = target.Database, TargetTable = target.Name,
            Columns = TaskObjects.Lookup(_task.Columns, key) ?? carried?.Columns,
            RowFilter = TaskObjects.Lookup(_task.RowFilters, key) ?? carried?.RowFilter,
        };
    }

    public TaskTable TableFor(TableMapping mapping, TableSchema schema) =>
        new(mapping, schema, OptionsFor(mapping));

    public CreateTableOptions OptionsFor(TableMapping mapping) => new()
    {
        TargetDatabase = mapping.TargetDatabase, TargetTable = mapping.TargetTable, Columns = mapping.Columns,
        IncludeSecondaryIndexes = _task.IndexMigration != IndexMigration.None,
        VersioningDeferred = true, // as for the task's first tables: history as plain rows until cut-over
    };
}
