using Npgsql;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>
/// Reads and writes a task direction's checkpoint in oms.checkpoints of a PostgreSQL target. The write runs in the
/// target transaction that applies the rows it covers, so a committed transaction is never applied twice and a
/// rolled-back one is applied again. Positions are stored as text; their meaning belongs to the source.
/// </summary>
internal static class PostgresCheckpointStore
{
    public static async Task<StoredCheckpoint?> ReadAsync(NpgsqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        // A locking read: a killed worker's last transaction still being committed by the server holds the row; wait for it.
        await using var command = new NpgsqlCommand(
            "SELECT position, catchup_until, transactions, source_commit FROM oms.checkpoints WHERE task = $1 AND direction = $2 FOR UPDATE", target);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(direction.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new StoredCheckpoint(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2),
            reader.IsDBNull(3) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)));
    }

    /// <summary>Whether the task direction has a checkpoint; false too when the `oms` schema is not there yet.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1 FROM oms.checkpoints WHERE task = $1 AND direction = $2", target);
            command.Parameters.AddWithValue(task);
            command.Parameters.AddWithValue(direction.ToString());
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return false;
        }
    }

    public static async Task WriteAsync(NpgsqlConnection target, NpgsqlTransaction? transaction, string task, Direction direction, string position,
        DateTimeOffset? sourceCommit, long transactionsApplied, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO oms.checkpoints (task, direction, position, source_commit, transactions, updated_at) VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (task, direction) DO UPDATE SET position = EXCLUDED.position,
                source_commit = COALESCE(EXCLUDED.source_commit, oms.checkpoints.source_commit),
                transactions = oms.checkpoints.transactions + EXCLUDED.transactions, updated_at = EXCLUDED.updated_at
            """, target, transaction);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(direction.ToString());
        command.Parameters.AddWithValue(position);
        command.Parameters.Add(new NpgsqlParameter { Value = sourceCommit is { } c ? DateTime.SpecifyKind(c.UtcDateTime, DateTimeKind.Unspecified) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp });
        command.Parameters.AddWithValue(transactionsApplied);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A parallel apply lane's part of a batch, in the lane's own transaction (see <see cref="LaneRows"/>).</summary>
    public static async Task WriteLaneAsync(NpgsqlConnection target, NpgsqlTransaction transaction, string task, Direction direction, LaneProgress progress,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO oms.checkpoints (task, direction, position, applied, transactions, updated_at) VALUES ($1, $2, $3, $4, 0, now())
            ON CONFLICT (task, direction) DO UPDATE SET position = EXCLUDED.position, applied = EXCLUDED.applied, updated_at = EXCLUDED.updated_at
            """, target, transaction);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(LaneRows.Direction(direction, progress.Lane));
        command.Parameters.AddWithValue(progress.BatchStart);
        command.Parameters.AddWithValue(LaneRows.Applied(progress));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lanes' progress rows of a task direction, read with a lock like the checkpoint itself.</summary>
    public static async Task<IReadOnlyList<LaneProgress>> ReadLanesAsync(NpgsqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT direction, position, applied FROM oms.checkpoints WHERE task = $1 AND direction LIKE $2 || '%' AND applied IS NOT NULL FOR UPDATE", target);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(direction + "/");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lanes = new List<LaneProgress>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            if (LaneRows.Parse(direction, reader.GetString(0), reader.GetString(1), reader.GetString(2)) is { } lane)
                lanes.Add(lane);
        return lanes;
    }

    public static async Task SetCatchUpAsync(NpgsqlConnection target, string task, Direction direction, string until, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE oms.checkpoints SET catchup_until = $3 WHERE task = $1 AND direction = $2 AND catchup_until IS NULL", target);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(direction.ToString());
        command.Parameters.AddWithValue(until);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the direction's checkpoint and its lanes' rows.</summary>
    public static async Task DeleteAsync(NpgsqlConnection target, string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM oms.checkpoints WHERE task = $1 AND (direction = $2 OR direction LIKE $2 || '/%')", target);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(direction.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
