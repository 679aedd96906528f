using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>A task direction's checkpoint in the target's `oms`.`checkpoints` table.</summary>
public sealed record Checkpoint(BinlogPosition Position, BinlogPosition? CatchUpUntil, long Transactions, DateTimeOffset? SourceCommit);

/// <summary>
/// Reads and writes checkpoints on the target. The write runs inside the target transaction that applies
/// the rows it covers, so a committed transaction is never applied twice and a rolled-back one is applied
/// again. The same row is the transaction marker that loop prevention recognises in the target's binlog.
/// </summary>
internal static class CheckpointStore
{
    public static async Task<Checkpoint?> ReadAsync(MySqlConnection target, string task, Direction direction, CancellationToken cancellationToken) =>
        await ReadStoredAsync(target, task, direction, cancellationToken).ConfigureAwait(false) is { } stored
            ? new Checkpoint(CheckpointPosition.Parse(stored.Position), stored.CatchUpUntil is null ? null : CheckpointPosition.Parse(stored.CatchUpUntil),
                stored.Transactions, stored.SourceCommit)
            : null;

    /// <summary>The checkpoint with its positions as stored text, whatever kind of source wrote them.</summary>
    public static async Task<StoredCheckpoint?> ReadStoredAsync(MySqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            // A locking read: if a killed worker's last transaction is still being committed or rolled back
            // by the server, wait for its outcome instead of reading the checkpoint from before it.
            "SELECT position, catchup_until, transactions, source_commit FROM `oms`.`checkpoints` WHERE task = @t AND direction = @d FOR UPDATE", target);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", direction.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new StoredCheckpoint(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetInt64(2),
            reader.IsDBNull(3) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)));
    }

    /// <summary>Writes the checkpoint; pass the open transaction that applied the rows it covers.</summary>
    public static Task WriteAsync(MySqlConnection target, MySqlTransaction? transaction, string task, Direction direction,
        BinlogPosition position, DateTimeOffset? sourceCommit, long transactionsApplied, CancellationToken cancellationToken) =>
        WriteAsync(target, transaction, task, direction, CheckpointPosition.Serialize(position), sourceCommit, transactionsApplied, cancellationToken);

    /// <summary>Writes the checkpoint with its position as the source's own text.</summary>
    public static async Task WriteAsync(MySqlConnection target, MySqlTransaction? transaction, string task, Direction direction,
        string position, DateTimeOffset? sourceCommit, long transactionsApplied, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            """
            INSERT INTO `oms`.`checkpoints` (task, direction, position, source_commit, transactions, updated_at)
            VALUES (@t, @d, @p, @c, @n, UTC_TIMESTAMP(6))
            ON DUPLICATE KEY UPDATE position = VALUES(position), source_commit = COALESCE(VALUES(source_commit), source_commit),
                transactions = transactions + VALUES(transactions), updated_at = VALUES(updated_at)
            """, target, transaction);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", direction.ToString());
        command.Parameters.AddWithValue("@p", position);
        command.Parameters.AddWithValue("@c", sourceCommit?.UtcDateTime);
        command.Parameters.AddWithValue("@n", transactionsApplied);
        await ApplyCommands.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the source position at which the full copy ended: up to there, replay is idempotent.</summary>
    public static Task SetCatchUpAsync(MySqlConnection target, string task, Direction direction, BinlogPosition until, CancellationToken cancellationToken) =>
        SetCatchUpAsync(target, task, direction, CheckpointPosition.Serialize(until), cancellationToken);

    public static async Task SetCatchUpAsync(MySqlConnection target, string task, Direction direction, string until, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "UPDATE `oms`.`checkpoints` SET catchup_until = @u WHERE task = @t AND direction = @d AND catchup_until IS NULL", target);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", direction.ToString());
        command.Parameters.AddWithValue("@u", until);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A parallel apply lane's part of a batch, written in the lane's own transaction: the checkpoint the batch built on,
    /// and the source transactions the lane holds. The row also marks the lane's transaction for loop prevention (its
    /// direction column starts with the direction).
    /// </summary>
    public static async Task WriteLaneAsync(MySqlConnection target, MySqlTransaction transaction, string task, Direction direction, LaneProgress progress,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "INSERT INTO `oms`.`checkpoints` (task, direction, position, applied, transactions, updated_at) VALUES (@t, @d, @p, @a, 0, UTC_TIMESTAMP(6)) " +
            "ON DUPLICATE KEY UPDATE position = VALUES(position), applied = VALUES(applied), updated_at = VALUES(updated_at)", target, transaction);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", LaneRows.Direction(direction, progress.Lane));
        command.Parameters.AddWithValue("@p", progress.BatchStart);
        command.Parameters.AddWithValue("@a", LaneRows.Applied(progress));
        await ApplyCommands.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lanes' progress rows of a task direction, read with a lock like the checkpoint itself.</summary>
    public static async Task<IReadOnlyList<LaneProgress>> ReadLanesAsync(MySqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT direction, position, applied FROM `oms`.`checkpoints` WHERE task = @t AND direction LIKE @prefix AND applied IS NOT NULL FOR UPDATE", target);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@prefix", direction + "/%");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lanes = new List<LaneProgress>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            if (LaneRows.Parse(direction, reader.GetString(0), reader.GetString(1), reader.GetString(2)) is { } lane)
                lanes.Add(lane);
        return lanes;
    }

    public static async Task DeleteLanesAsync(MySqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("DELETE FROM `oms`.`checkpoints` WHERE task = @t AND direction LIKE @prefix", target);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@prefix", direction + "/%");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task DeleteAsync(MySqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await DeleteLanesAsync(target, task, direction, cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand("DELETE FROM `oms`.`checkpoints` WHERE task = @t AND direction = @d", target);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", direction.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
