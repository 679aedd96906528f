using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.PreCheck;

/// <summary>Pre-checks of a task's rules shared by every kind of source: resolving its objects, and options that name tables.</summary>
internal static class RuleChecks
{
    /// <summary>The failed check for an error resolving the task's objects, under the name of the option at fault.</summary>
    public static CheckResult Failed(OmsException error, MigrationTask task) =>
        CheckResult.Fail(error.ErrorId switch
        {
            "InvalidRowFilterValue" or "RowFilterTableNotInTask" => "RowFilter",
            "ColumnTableNotInTask" => "Columns",
            "PartitionTableNotInTask" or "PartitionNotSupported" => "Partition",
            _ => "ObjectRules",
        }, error.Message, error.Target ?? task.Name);

    /// <summary>
    /// -RowFilter, -Column and -Partition entries for tables the rules select but the source does not have: they would
    /// have no effect (a warning with DDL synchronization, which may create the table later).
    /// </summary>
    public static IEnumerable<CheckResult> Unmatched(MigrationTask task, TaskObjects objects)
    {
        var tables = objects.Tables.Select(t => t.Mapping.Source).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (parameter, check, keys) in new[]
                 {
                     ("-RowFilter", "RowFilter", task.RowFilters.Keys), ("-Column", "Columns", task.Columns.Keys),
                     ("-Partition", "Partition", task.Partitions.Keys),
                 })
            foreach (var key in keys.Where(k => !tables.Contains(k)))
            {
                var message = $"{parameter} names table '{key}', which is not on the source, so it has no effect. Correct the table's name with Set-OmsTask {parameter}.";
                yield return task.IncrementalDdl ? CheckResult.Warn(check, message + " (A table created later by DDL takes it.)", key) : CheckResult.Fail(check, message, key);
            }
    }
}
