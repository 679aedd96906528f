using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// A PostgreSQL task's tables as they are to be on a MySQL-family target: each table's moving columns mapped by
/// <see cref="PostgresToMySql"/>, under the source names (the task's renames still apply on top). The MySQL side
/// of OmsSync (schema phase, readiness checks, LOAD DATA, change applier) then works on them unchanged.
/// </summary>
internal static class MySqlShapes
{
    /// <param name="warnings">Receives what is left behind without refusing the task (see <see cref="PostgresToMySql.Map"/>).</param>
    public static TaskObjects Of(TaskObjects postgres, DataSourceKind target, List<string> problems, List<string>? warnings = null) =>
        postgres.MapTables(table => Of(table, target, problems, warnings));

    /// <summary>One table's MySQL shape.</summary>
    public static TableSchema Of(TaskTable postgres, DataSourceKind target, List<string> problems, List<string>? warnings = null) =>
        PostgresToMySql.Map(Moving(postgres, problems), target, problems, warnings);

    // The column selection first, so a column left out of the task is not held against its table.
    private static TableSchema Moving(TaskTable table, List<string> problems)
    {
        try
        {
            return TargetSchema.For(table.Schema, new CreateTableOptions { Columns = table.TargetOptions.Columns });
        }
        catch (SchemaException e)
        {
            problems.AddRange(e.Problems.Select(p => p + " Correct the task's -Column with Set-OmsTask."));
            return table.Schema;
        }
    }
}
