using MySqlConnector;
using Npgsql;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.MySql;
using OmsSync.Engine.MySql.PreCheck;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.PreCheck;

/// <summary>
/// What a worker makes sure of on its source before it creates anything on the target, whether the pre-check ran or
/// not (-SkipPreCheck): every row filter evaluates there, every partition named by -Partition is there, and for
/// incremental synchronization the source logs what the task reads. A task that cannot read its source fails naming the source, and leaves no empty tables behind.
/// </summary>
public static class SourceReadiness
{
    public static async Task EnsureAsync(MySqlEndpoint source, MigrationTask task, IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        List<string> problems;
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            problems = await FilterFailuresAsync(tables, mapping => RowFilterFailureAsync(connection, mapping, cancellationToken)).ConfigureAwait(false);
            foreach (var table in tables.Where(t => t.Mapping.Partitions is not null))
                if (await PartitionFailureAsync(connection, table.Mapping, cancellationToken).ConfigureAwait(false) is { } problem)
                    problems.Add(problem);
            if (task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
                problems.AddRange((await DataSourceChecks.BinlogSettingsAsync(connection, source.Source.Name, cancellationToken).ConfigureAwait(false))
                    .Where(c => c.Status == CheckStatus.Fail).Select(c => c.Message));
        }
        Refuse(source.Source, task, problems);
    }

    public static async Task EnsureAsync(PostgresEndpoint source, MigrationTask task, IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        List<string> problems;
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            problems = await FilterFailuresAsync(tables, mapping => RowFilterFailureAsync(connection, mapping, cancellationToken)).ConfigureAwait(false);
            if (task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
            {
                await using var wal = new NpgsqlCommand("SHOW wal_level", connection);
                if (await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string level && level != "logical")
                    problems.Add($"wal_level is {level}; incremental synchronization needs logical. Set wal_level = logical and restart the server.");
            }
        }
        Refuse(source.Source, task, problems);
    }

    private static async Task<List<string>> FilterFailuresAsync(IReadOnlyList<TaskTable> tables, Func<TableMapping, Task<string?>> failure)
    {
        var problems = new List<string>();
        foreach (var table in tables.Where(t => !string.IsNullOrWhiteSpace(t.Mapping.RowFilter)))
            if (await failure(table.Mapping).ConfigureAwait(false) is { } problem)
                problems.Add(problem);
        return problems;
    }

    /// <summary>Why the table's row filter does not evaluate on the MySQL-family source (the server's words), or null when it does.</summary>
    internal static async Task<string?> RowFilterFailureAsync(MySqlConnection source, TableMapping mapping, CancellationToken cancellationToken)
    {
        if (Rules.RowFilterCheck.Problem(mapping.RowFilter!, postgres: false) is { } problem)
            return Rules.RowFilterCheck.Describe(mapping.Source, mapping.RowFilter!, problem);
        try
        {
            await using var command = new MySqlCommand($"SELECT 1 FROM {MySqlSyntax.QuoteQualified(mapping.SourceDatabase, mapping.SourceTable)} WHERE ({mapping.RowFilter}) LIMIT 0", source);
            await SingleStatement.For(command, carriesUserText: true).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (MySqlException e)
        {
            return FilterFails(mapping, e.Message);
        }
    }

    /// <summary>Why the table's row filter does not evaluate on the PostgreSQL source, or null when it does.</summary>
    internal static async Task<string?> RowFilterFailureAsync(NpgsqlConnection source, TableMapping mapping, CancellationToken cancellationToken)
    {
        if (Rules.RowFilterCheck.Problem(mapping.RowFilter!, postgres: true) is { } problem)
            return Rules.RowFilterCheck.Describe(mapping.Source, mapping.RowFilter!, problem);
        try
        {
            await using var command = SingleStatement.For(new NpgsqlCommand(
                $"SELECT 1 FROM {PostgresSyntax.QuoteQualified(mapping.SourceDatabase, mapping.SourceTable)} WHERE ({mapping.RowFilter}) LIMIT 0", source));
            await PostgresReadOnly.RunAsync(source, transaction => { command.Transaction = transaction; return command.ExecuteNonQueryAsync(cancellationToken); },
                cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException e)
        {
            return FilterFails(mapping, e.MessageText);
        }
    }

    /// <summary>The Partition pre-check of a table the task reads in some partitions only (<see cref="TableMapping.Partitions"/>).</summary>
    internal static async Task<CheckResult> CheckPartitionsAsync(MySqlConnection source, TableMapping mapping, CancellationToken cancellationToken) =>
        await PartitionFailureAsync(source, mapping, cancellationToken).ConfigureAwait(false) is { } failure
            ? CheckResult.Fail("Partition", failure, mapping.Source)
            : CheckResult.Pass("Partition", $"Full migration of '{mapping.Source}' reads partitions {string.Join(", ", mapping.Partitions!)}.", mapping.Source);

    /// <summary>
    /// Why the table's -Partition does not fit it on the MySQL-family source (it is not partitioned, or lacks a partition
    /// named; subpartitions count), or null when it does.
    /// </summary>
    internal static async Task<string?> PartitionFailureAsync(MySqlConnection source, TableMapping mapping, CancellationToken cancellationToken)
    {
        var partitions = new List<string>();
        var subpartitions = new List<string>();
        await using (var command = new MySqlCommand(
            "SELECT PARTITION_NAME, SUBPARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = @d AND TABLE_NAME = @t " +
            "ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION", source))
        {
            command.Parameters.AddWithValue("@d", mapping.SourceDatabase);
            command.Parameters.AddWithValue("@t", mapping.SourceTable);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!reader.IsDBNull(0) && !partitions.Contains(reader.GetString(0))) partitions.Add(reader.GetString(0));
                if (!reader.IsDBNull(1)) subpartitions.Add(reader.GetString(1));
            }
        }
        if (partitions.Count == 0)
            return $"-Partition names partitions of table '{mapping.Source}', which is not partitioned on the source. " +
                   "Leave the table out of -Partition (Set-OmsTask -Partition) to migrate all of its rows.";
        var unknown = mapping.Partitions!.Where(p => !partitions.Concat(subpartitions).Contains(p, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count == 0) return null;
        return $"-Partition names {(unknown.Count == 1 ? "partition" : "partitions")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} of table '{mapping.Source}', " +
               $"which the table does not have on the source. Its partitions are {string.Join(", ", partitions)}" +
               (subpartitions.Count > 0 ? $" and its subpartitions {string.Join(", ", subpartitions)}" : "") +
               ". Correct the names with Set-OmsTask -Partition.";
    }

    private static string FilterFails(TableMapping mapping, string error) =>
        $"The row filter of '{mapping.Source}' does not evaluate on the source ({error}): {mapping.RowFilter}. Correct it with Set-OmsTask -RowFilter.";

    private static void Refuse(DataSource source, MigrationTask task, List<string> problems)
    {
        if (problems.Count == 0) return;
        throw new OmsException("SourceNotReady", OmsErrorKind.InvalidState, source.Name,
            $"Task '{task.Name}' cannot read its source, data source '{source.Name}' ({source.Endpoint}), so nothing was created on the target: " +
            string.Join(" ", problems));
    }
}
