using MySqlConnector;

namespace OmsSync.Engine.Targets.MySql;

/// <summary>
/// The `oms` database OmsSync keeps on a MySQL-family target: which full-migration chunks are in,
/// and the checkpoint each applied transaction writes in the same target transaction as its rows.
/// </summary>
internal static class OmsControlSchema
{
    public const string Database = "oms";

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
