using MySqlConnector;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql;

/// <summary>
/// The `oms` database OmsSync keeps on a MySQL-family target: which full-migration chunks are in,
/// and the checkpoint each applied transaction writes in the same target transaction as its rows.
/// Every row is keyed by the task's incarnation (<see cref="Model.MigrationTask.OmsKey"/>), never by its name alone.
/// </summary>
internal static class OmsControlSchema
{
    public const string Database = "oms";

    /// <summary>The tables whose rows belong to one task each (by their `task` column), on either side of it.</summary>
    private static readonly string[] TaskTables = ["full_chunks", "checkpoints", "ddl_progress", "ddl_catchup", "heartbeat"];

    /// <summary>
    /// Deletes everything the task's incarnation left in `oms` on this server (chunk marks, checkpoints and lane rows,
    /// DDL progress, heartbeat) and its DDL scratch databases; returns the rows deleted. Missing tables are skipped.
    /// </summary>
    public static async Task<long> ForgetAsync(MySqlConnection connection, string taskKey, IEnumerable<string> scratchDatabases, CancellationToken cancellationToken)
    {
        var present = new List<string>();
        await using (var find = new MySqlCommand(
            $"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{Database}' AND TABLE_NAME IN ({string.Join(", ", TaskTables.Select(t => $"'{t}'"))})", connection))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                present.Add(reader.GetString(0));
        long deleted = 0;
        foreach (var table in present)
        {
            await using var delete = new MySqlCommand($"DELETE FROM `{Database}`.`{table}` WHERE task = @t", connection);
            delete.Parameters.AddWithValue("@t", taskKey);
            deleted += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var scratch in scratchDatabases)
        {
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS {Schema.MySqlSyntax.QuoteIdentifier(scratch)}", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return deleted;
    }

    public static async Task EnsureAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            """
            CREATE DATABASE IF NOT EXISTS `oms` CHARACTER SET utf8mb4;
            CREATE TABLE IF NOT EXISTS `oms`.`full_chunks` (
                task          VARCHAR(128) NOT NULL,
                source_table  VARCHAR(300) NOT NULL,
                chunk_no      INT NOT NULL,
                rows_loaded   BIGINT NOT NULL,
                loaded_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                PRIMARY KEY (task, source_table, chunk_no)
            ) ENGINE=InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
            CREATE TABLE IF NOT EXISTS `oms`.`checkpoints` (
                task          VARCHAR(128) NOT NULL,
                direction     VARCHAR(16) NOT NULL,
                position      VARCHAR(4000) NOT NULL,
                catchup_until VARCHAR(4000) NULL,
                source_commit DATETIME(6) NULL,
                transactions  BIGINT NOT NULL DEFAULT 0,
                applied       MEDIUMTEXT NULL,
                updated_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                PRIMARY KEY (task, direction)
            ) ENGINE=InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
            """, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await AddColumnIfMissingAsync(connection, "checkpoints", "catchup_until", "VARCHAR(4000) NULL AFTER position", cancellationToken).ConfigureAwait(false);
        await AddColumnIfMissingAsync(connection, "checkpoints", "applied", "MEDIUMTEXT NULL AFTER transactions", cancellationToken).ConfigureAwait(false);
    }

    // Tables created by an earlier OmsSync gain the columns added since (MySQL has no ADD COLUMN IF NOT EXISTS).
    private static async Task AddColumnIfMissingAsync(MySqlConnection connection, string table, string column, string definition, CancellationToken cancellationToken)
    {
        await using var probe = new MySqlCommand(
            "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'oms' AND TABLE_NAME = @t AND COLUMN_NAME = @c", connection);
        probe.Parameters.AddWithValue("@t", table);
        probe.Parameters.AddWithValue("@c", column);
        if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        await using var alter = new MySqlCommand($"ALTER TABLE `oms`.`{table}` ADD COLUMN `{column}` {definition}", connection);
        await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
