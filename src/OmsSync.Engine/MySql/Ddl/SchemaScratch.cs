using MySqlConnector;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// Finds the shape a DDL statement gives the tables it names by running it on empty copies of them, in a
/// scratch database of their own on a MySQL-family server: the server itself interprets the statement,
/// however it is written (defaults, implicit charsets, partitions, index rules). Each copy is made from the
/// task's recorded shape before the statement, so the result is right even when the source has since moved
/// on. The scratch work stays out of that server's binlog where the user may say so.
/// </summary>
internal sealed class SchemaScratch
{
    private readonly MySqlEndpoint _server;
    private readonly string _database;

    /// <param name="taskKey">The task's <see cref="MigrationTask.OmsKey"/>.</param>
    public SchemaScratch(MySqlEndpoint server, string taskKey, Direction direction)
    {
        _server = server;
        _database = DatabaseName(taskKey, direction);
    }

    /// <summary>The scratch database of a task direction (a worker killed in the middle of a DDL leaves it behind).</summary>
    public static string DatabaseName(string taskKey, Direction direction) =>
        "oms_ddl_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{taskKey}/{direction}")), 0, 6).ToLowerInvariant();

    /// <summary>
    /// Runs <paramref name="statement"/> on copies of the tables it names and returns the shapes of
    /// <paramref name="wanted"/> afterwards (null for a table the statement dropped or never made).
    /// </summary>
    /// <param name="before">The shape of a named table before the statement, or null when it did not exist.</param>
    /// <param name="charset">The default charset and collation of the statement's database, which a new table's columns take.</param>
    public async Task<Dictionary<(string, string), TableSchema?>> RunAsync(DdlStatement statement, string defaultDatabase,
        Func<(string, string), Task<TableSchema?>> before, DatabaseSchema? charset, IReadOnlyCollection<(string, string)> wanted, CancellationToken cancellationToken)
    {
        var scratchNames = new Dictionary<(string, string), string>();
        foreach (var name in statement.Tables.Where(t => t.Role != DdlNameRole.Referenced))
            if (name.Resolve(defaultDatabase) is { } resolved && !scratchNames.ContainsKey(resolved))
                scratchNames[resolved] = "t" + scratchNames.Count;
        foreach (var name in wanted)
            if (!scratchNames.ContainsKey(name)) scratchNames[name] = "t" + scratchNames.Count;

        await using var connection = await _server.OpenAsync(cancellationToken).ConfigureAwait(false);
        await TryAsync(connection, "SET SESSION sql_log_bin = 0", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SET SESSION foreign_key_checks = 0", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {MySqlSyntax.QuoteIdentifier(_database)}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, MySqlDdlWriter.CreateDatabase(charset ?? new DatabaseSchema(_database, null, null), _database), cancellationToken).ConfigureAwait(false);
        try
        {
            // A table the statement makes (CREATE TABLE, RENAME TO) does not exist before it.
            var made = statement.Tables
                .Where(t => t.Role == DdlNameRole.RenameTo || t.Role == DdlNameRole.Subject && statement.Kind == DdlKind.CreateTable && !statement.OrReplace)
                .Select(t => t.Resolve(defaultDatabase)).ToHashSet();
            foreach (var (name, scratch) in scratchNames)
                if (!made.Contains(name) && await before(name).ConfigureAwait(false) is { } shape)
                    await ExecuteAsync(connection, MySqlDdlWriter.CreateTable(shape, new CreateTableOptions { TargetDatabase = _database, TargetTable = scratch }),
                        cancellationToken).ConfigureAwait(false);
            var sql = DdlRewriter.Rewrite(statement,
                n => n.Resolve(defaultDatabase) is { } r && scratchNames.TryGetValue(r, out var s) ? MySqlSyntax.QuoteQualified(_database, s) : null,
                c => c.Kind is not (DdlClauseKind.AddForeignKey or DdlClauseKind.DropForeignKey or DdlClauseKind.ForeignKey));
            if (sql is not null) await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            var reader = new MySqlSchemaReader(connection);
            var shapes = new Dictionary<(string, string), TableSchema?>();
            foreach (var name in wanted)
            {
                var read = await reader.ReadTableAsync(_database, scratchNames[name], cancellationToken).ConfigureAwait(false);
                shapes[name] = read is null ? null : TargetSchema.For(read, new CreateTableOptions { TargetDatabase = name.Item1, TargetTable = name.Item2 });
            }
            return shapes;
        }
        finally
        {
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {MySqlSyntax.QuoteIdentifier(_database)}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task TryAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException)
        {
            // Without the privilege the scratch work is logged; it touches no table of any task.
        }
    }
}
