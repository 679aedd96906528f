using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>Where a task direction stands inside a DDL it applies: the DDL's start position, the step, and the fingerprint before the step.</summary>
internal sealed record DdlProgress(BinlogPosition Start, int Step, string? Fingerprint);

/// <summary>
/// What DDL synchronization keeps on the target beside the checkpoint. A DDL commits by itself, so it cannot
/// share a transaction with the checkpoint: before each of its steps the step and a fingerprint of the target
/// tables it touches are written here, and the row goes in the same transaction as the checkpoint past the DDL.
/// A worker that finds the row on restart compares the fingerprint to tell a step that ran from one that did
/// not. The catch-up table holds, per table that joined the task with its rows copied, the source position up
/// to which its changes are replayed idempotently (the copy may already hold them).
/// </summary>
internal static class DdlProgressStore
{
    public static async Task EnsureAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            """
            CREATE TABLE IF NOT EXISTS `oms`.`ddl_progress` (
                task          VARCHAR(128) NOT NULL,
                direction     VARCHAR(16) NOT NULL,
                position      VARCHAR(4000) NOT NULL,
                step          INT NOT NULL,
                fingerprint   VARCHAR(64) NULL,
                updated_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                PRIMARY KEY (task, direction)
            ) ENGINE=InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
            CREATE TABLE IF NOT EXISTS `oms`.`ddl_catchup` (
                task          VARCHAR(128) NOT NULL,
                direction     VARCHAR(16) NOT NULL,
                source_table  VARCHAR(300) NOT NULL,
                until_position VARCHAR(4000) NOT NULL,
                PRIMARY KEY (task, direction, source_table)
            ) ENGINE=InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
            """, target);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<DdlProgress?> ReadAsync(MySqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = Command(target, null, "SELECT position, step, fingerprint FROM `oms`.`ddl_progress` WHERE task = @t AND direction = @d", task, direction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new DdlProgress(CheckpointPosition.Parse(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>Records the step about to run; a null fingerprint means "run it (again) whatever the target looks like".</summary>
    public static async Task WriteAsync(MySqlConnection target, MySqlTransaction? transaction, string task, Direction direction, DdlProgress progress,
        CancellationToken cancellationToken)
    {
        await using var command = Command(target, transaction,
            """
            INSERT INTO `oms`.`ddl_progress` (task, direction, position, step, fingerprint) VALUES (@t, @d, @p, @s, @f)
            ON DUPLICATE KEY UPDATE position = VALUES(position), step = VALUES(step), fingerprint = VALUES(fingerprint), updated_at = CURRENT_TIMESTAMP(6)
            """, task, direction);
        command.Parameters.AddWithValue("@p", CheckpointPosition.Serialize(progress.Start));
        command.Parameters.AddWithValue("@s", progress.Step);
        command.Parameters.AddWithValue("@f", progress.Fingerprint);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task ClearAsync(MySqlConnection target, MySqlTransaction? transaction, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = Command(target, transaction, "DELETE FROM `oms`.`ddl_progress` WHERE task = @t AND direction = @d", task, direction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Dictionary<string, BinlogPosition>> ReadCatchUpAsync(MySqlConnection target, string task, Direction direction,
        CancellationToken cancellationToken)
    {
        await using var command = Command(target, null,
            "SELECT source_table, until_position FROM `oms`.`ddl_catchup` WHERE task = @t AND direction = @d", task, direction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var windows = new Dictionary<string, BinlogPosition>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            windows[reader.GetString(0)] = CheckpointPosition.Parse(reader.GetString(1));
        return windows;
    }

    public static async Task WriteCatchUpAsync(MySqlConnection target, MySqlTransaction transaction, string task, Direction direction, string sourceTable,
        BinlogPosition until, CancellationToken cancellationToken)
    {
        await using var command = Command(target, transaction,
            """
            INSERT INTO `oms`.`ddl_catchup` (task, direction, source_table, until_position) VALUES (@t, @d, @s, @u)
            ON DUPLICATE KEY UPDATE until_position = VALUES(until_position)
            """, task, direction);
        command.Parameters.AddWithValue("@s", sourceTable);
        command.Parameters.AddWithValue("@u", CheckpointPosition.Serialize(until));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static MySqlCommand Command(MySqlConnection target, MySqlTransaction? transaction, string sql, string task, Direction direction)
    {
        var command = new MySqlCommand(sql, target, transaction);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", direction.ToString());
        return command;
    }
}
