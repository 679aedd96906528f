using Npgsql;

namespace OmsSync.Engine.Postgres;

/// <summary>
/// The `oms` schema OmsSync keeps in a PostgreSQL target database: which full-migration chunks are in, and the
/// checkpoint each applied transaction writes in the same target transaction as its rows.
/// </summary>
internal static class PostgresControlSchema
{
    public const string Schema = "oms";

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Serialized: concurrent CREATE ... IF NOT EXISTS of the same object can fail in PostgreSQL.
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_advisory_xact_lock(hashtext('oms control schema'));
            CREATE SCHEMA IF NOT EXISTS oms;
            CREATE TABLE IF NOT EXISTS oms.full_chunks (
                task          text NOT NULL,
                source_table  text NOT NULL,
                chunk_no      integer NOT NULL,
                rows_loaded   bigint NOT NULL,
                loaded_at     timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (task, source_table, chunk_no)
            );
            CREATE TABLE IF NOT EXISTS oms.checkpoints (
                task          text NOT NULL,
                direction     text NOT NULL,
                position      text NOT NULL,
                catchup_until text NULL,
                source_commit timestamp(6) NULL,
                transactions  bigint NOT NULL DEFAULT 0,
                applied       text NULL,
                updated_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (task, direction)
            );
            ALTER TABLE oms.checkpoints ADD COLUMN IF NOT EXISTS applied text NULL;
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the chunk marks and checkpoints the task's incarnation left in oms; returns the rows deleted.</summary>
    public static async Task<long> ForgetAsync(NpgsqlConnection connection, string taskKey, CancellationToken cancellationToken)
    {
        long deleted = 0;
        foreach (var table in new[] { "full_chunks", "checkpoints" })
        {
            await using var exists = new NpgsqlCommand($"SELECT to_regclass('{Schema}.{table}') IS NOT NULL", connection);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true) continue;
            await using var delete = new NpgsqlCommand($"DELETE FROM {Schema}.{table} WHERE task = $1", connection);
            delete.Parameters.AddWithValue(taskKey);
            deleted += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return deleted;
    }

    /// <summary>
    /// Held (shared) by every transaction that writes for the task, and taken exclusively before reading what the task
    /// has written: a killed worker's transaction still being committed by the server is waited for, never redone.
    /// </summary>
    public static async Task LockTaskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string task, bool exclusive, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            exclusive ? "SELECT pg_advisory_xact_lock(hashtext('oms task ' || $1))" : "SELECT pg_advisory_xact_lock_shared(hashtext('oms task ' || $1))",
            connection, transaction);
        command.Parameters.AddWithValue(task);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
