using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Whether each table of a task can be migrated to a MySQL-family target: its types are supported, its column
/// selection is valid, and a target table that exists already has a compatible shape. Shared by the
/// pre-check (which reports) and the schema phase (which refuses before creating anything).
/// </summary>
internal static class TargetReadiness
{
    /// <summary>The task's target tables that exist already, keyed by "db.table"; a few queries per target database.</summary>
    public static Task<Dictionary<string, TableSchema>> ReadExistingAsync(MySqlConnection target, TaskObjects objects, CancellationToken cancellationToken) =>
        objects.ReadExistingTargetsAsync(new MySqlSchemaReader(target), cancellationToken);

    /// <summary>The failures that stop one table from being migrated; empty when it can be.</summary>
    /// <param name="actual">The target table as it exists, or null.</param>
    /// <param name="schemaMigrated">Whether the task creates missing tables (Schema migration type).</param>
    /// <param name="tables">All of the task's tables, for features that concern more than one (a versioned table in a foreign key).</param>
    public static List<CheckResult> Check(TaskTable table, TableSchema? actual, DataSourceKind targetKind, bool schemaMigrated, IEnumerable<TaskTable>? tables = null)
    {
        var source = table.Mapping.Source;
        var failures = TypeSupport.Check(table.Schema, targetKind).Select(p => CheckResult.Fail("ColumnTypes", p, source)).ToList();
        failures.AddRange(TableFeatures.Problems(table.Schema, targetKind, tables?.Select(t => t.Schema)).Select(p => CheckResult.Fail("TableFeatures", p, source)));
        TableSchema expected;
        try
        {
            expected = TargetSchema.For(table.Schema, table.TargetOptions);
        }
        catch (SchemaException e)
        {
            failures.AddRange(e.Problems.Select(p => CheckResult.Fail("Columns", p + " Correct the task's -Column with Set-OmsTask.", source)));
            return failures;
        }
        if (actual is not null)
            failures.AddRange(SchemaComparer.Compare(expected, actual).Where(d => d.Blocking)
                .Select(d => CheckResult.Fail("TargetTable", d.Message, table.Mapping.Target)));
        else if (!schemaMigrated)
            failures.Add(CheckResult.Fail("TargetTable",
                $"Target table '{table.Mapping.Target}' does not exist and the task has no Schema migration type. Create it, or add Schema to the task's -MigrationType.",
                table.Mapping.Target));
        return failures;
    }
}
