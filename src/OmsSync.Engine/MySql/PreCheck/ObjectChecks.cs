using MySqlConnector;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.PreCheck;

namespace OmsSync.Engine.MySql.PreCheck;

/// <summary>Pre-checks of a task's objects: rules, renames, row filters, partitions, columns, types and target tables.</summary>
public static class ObjectChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(OmsService service, MigrationTask task, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var sourceEndpoint = service.Endpoint(task.Source);
        var targetEndpoint = service.Endpoint(task.Target);
        await using var source = await sourceEndpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await targetEndpoint.OpenAsync(cancellationToken).ConfigureAwait(false);

        TaskObjects objects;
        try
        {
            objects = await MySqlTaskObjects.ResolveAsync(source, task, cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException e)
        {
            results.Add(RuleChecks.Failed(e, task));
            return results;
        }
        results.AddRange(objects.Warnings.Select(w => CheckResult.Warn("ObjectRules", w.Message, w.Rule)));
        results.AddRange(RuleChecks.Unmatched(task, objects));
        if (objects.Tables.Count == 0 && objects.Views.Count == 0)
        {
            results.Add(CheckResult.Fail("ObjectRules", $"The task's rules select no table or view on '{task.Source}'. Correct -Include with Set-OmsTask.", task.Name));
            return results;
        }
        results.Add(CheckResult.Pass("ObjectRules", $"{objects.Tables.Count} table(s) and {objects.Views.Count} view(s) selected; no target name collides.", task.Name));

        var existing = await TargetReadiness.ReadExistingAsync(target, objects, cancellationToken).ConfigureAwait(false);
        foreach (var table in objects.Tables)
        {
            var name = table.Mapping.Source;
            if (table.Mapping.RowFilter is { } filter)
                results.Add(await CheckRowFilterAsync(source, table, filter, cancellationToken).ConfigureAwait(false));
            if (table.Mapping.Partitions is not null)
                results.Add(await SourceReadiness.CheckPartitionsAsync(source, table.Mapping, cancellationToken).ConfigureAwait(false));
            if (table.Schema.RowKey is null)
                results.Add(CheckResult.Warn("PrimaryKey",
                    $"Table '{name}' has no primary key or NOT NULL unique key: full migration copies it as one chunk, and changes find rows by all their columns" +
                    (task.Topology == Topology.Bidirectional ? "; in bidirectional synchronization duplicate rows are possible." : "."), name));

            var actual = existing.GetValueOrDefault(table.Mapping.Target);
            var failures = TargetReadiness.Check(table, actual, targetEndpoint.Source.Kind, task.MigrationTypes.HasFlag(MigrationTypes.Schema), objects.Tables);
            if (task.Topology == Topology.Bidirectional && TableFeatures.ReverseProblem(table.Schema) is { } reverse)
                failures.Add(CheckResult.Fail("TableFeatures", reverse, name));
            results.AddRange(failures);
            if (failures.Count == 0 && actual is not null && task.MigrationTypes.HasFlag(MigrationTypes.Full) && task.NonEmptyTarget == NonEmptyTargetAction.Stop
                && await HasRowsAsync(target, table.Mapping, cancellationToken).ConfigureAwait(false)
                && !await HasLoadedChunksAsync(target, task, table.Mapping, cancellationToken).ConfigureAwait(false))
                results.Add(CheckResult.Fail("TargetEmpty",
                    $"Target table '{table.Mapping.Target}' already holds rows and -NonEmptyTarget is Stop. Empty it, or use Set-OmsTask -NonEmptyTarget Ignore to keep its rows and record the collisions.",
                    table.Mapping.Target));
        }
        if (!results.Any(r => r.Status == CheckStatus.Fail && r.Check is "TargetTable" or "TargetEmpty" or "Columns" or "ColumnTypes" or "TableFeatures" or "RowFilter" or "Partition"))
            results.Add(CheckResult.Pass("Objects", "Every selected table can be migrated to the target.", task.Name));
        return results;
    }

    private static async Task<CheckResult> CheckRowFilterAsync(MySqlConnection source, TaskTable table, string filter, CancellationToken cancellationToken) =>
        await SourceReadiness.RowFilterFailureAsync(source, table.Mapping, cancellationToken).ConfigureAwait(false) is { } failure
            ? CheckResult.Fail("RowFilter", failure, table.Mapping.Source)
            : CheckResult.Pass("RowFilter", $"Row filter of '{table.Mapping.Source}' is valid: {filter}", table.Mapping.Source);

    private static async Task<bool> HasRowsAsync(MySqlConnection target, TableMapping mapping, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"SELECT 1 FROM {MySqlSyntax.QuoteQualified(mapping.TargetDatabase, mapping.TargetTable)} LIMIT 1", target);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    // A task resuming its own full migration finds its own rows there: that is not a non-empty target.
    private static async Task<bool> HasLoadedChunksAsync(MySqlConnection target, MigrationTask task, TableMapping mapping, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new MySqlCommand("SELECT 1 FROM `oms`.`full_chunks` WHERE task = @t AND source_table = @s LIMIT 1", target);
            command.Parameters.AddWithValue("@t", task.OmsKey);
            command.Parameters.AddWithValue("@s", mapping.Source);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownDatabase)
        {
            return false;
        }
    }
}
