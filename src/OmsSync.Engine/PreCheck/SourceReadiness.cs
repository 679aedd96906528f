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
/// not (-SkipPreCheck): every row filter evaluates there, and for incremental synchronization the source logs what
/// the task reads. A task that cannot read its source fails naming the source, and leaves no empty tables behind.
/// </summary>
public static class SourceReadiness
{
    public static async Task EnsureAsync(MySqlEndpoint source, MigrationTask task, IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        List<string> problems;
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            problems = await FilterFailuresAsync(tables, mapping => RowFilterFailureAsync(connection, mapping, cancellationToken)).ConfigureAwait(false);
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
