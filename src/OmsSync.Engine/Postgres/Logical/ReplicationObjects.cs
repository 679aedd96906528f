using System.Text;
using Npgsql;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// The publication and the logical replication slot a task reads a PostgreSQL source through: one of each per
/// task direction, named after the task, created when incremental reading starts and dropped with the task.
/// </summary>
internal static class ReplicationObjects
{
    /// <summary>
    /// oms_ + the task's first name (<see cref="MigrationTask.ServerName"/>) in the characters a slot name allows (a-z, 0-9, _) + a hash of the task's incarnation
    /// (<see cref="MigrationTask.OmsKey"/>) and direction, so two tasks never share a slot, nor a task created again
    /// under an old name the slot an earlier one left. Publications use the same name.
    /// </summary>
    public static string Name(MigrationTask task, Direction direction)
    {
        var plain = new StringBuilder();
        foreach (var c in task.ServerName.ToLowerInvariant())
            plain.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_');
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{task.OmsKey}/{direction}")))[..8].ToLowerInvariant();
        var stem = plain.ToString();
        if (stem.Length > 40) stem = stem[..40];
        return $"oms_{stem}_{(direction == Direction.Forward ? "f" : "r")}{hash}";
    }

    /// <summary>
    /// Drops the slot and the publication if they exist. A slot still held by a WAL sender whose worker is gone
    /// (the server notices a dead client only after a while) is freed by ending that sender.
    /// </summary>
    public static async Task DropAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var find = new NpgsqlCommand("SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1", connection);
            find.Parameters.AddWithValue(name);
            var found = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (found is null) break;
            if (found is int pid)
            {
                if (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                await using var end = new NpgsqlCommand("SELECT pg_terminate_backend($1)", connection);
                end.Parameters.AddWithValue(pid);
                await end.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                await using var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot($1)", connection);
                drop.Parameters.AddWithValue(name);
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ObjectInUse or PostgresErrorCodes.UndefinedObject && DateTime.UtcNow < deadline)
            {
                // Taken again or gone meanwhile: look again.
            }
        }
        await using var publication = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {Postgres.Schema.PostgresSyntax.QuoteIdentifier(name)}", connection);
        await publication.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
