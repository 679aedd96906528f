using Npgsql;

namespace OmsSync.Engine.Postgres.Objects;

/// <summary>Where PostgreSQL's counters stand: the sequence behind an identity or serial column, and the next value it hands out.</summary>
internal static class PostgresCounters
{
    /// <summary>The sequence of a table's identity or serial column, or null.</summary>
    public static async Task<string?> SequenceOfAsync(NpgsqlConnection connection, string quotedTable, string column, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_get_serial_sequence($1, $2)", connection);
        command.Parameters.AddWithValue(quotedTable);
        command.Parameters.AddWithValue(column);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The next value the column's sequence hands out, or null when it has none.</summary>
    public static async Task<long?> NextAsync(NpgsqlConnection connection, string quotedTable, string column, CancellationToken cancellationToken) =>
        await SequenceOfAsync(connection, quotedTable, column, cancellationToken).ConfigureAwait(false) is { } sequence
            ? await NextOfSequenceAsync(connection, sequence, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>The next value a sequence hands out: its start before first use, else its last value plus the increment.</summary>
    public static async Task<long> NextOfSequenceAsync(NpgsqlConnection connection, string sequence, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(pg_sequence_last_value($1::regclass) + seqincrement, seqstart) FROM pg_sequence WHERE seqrelid = $1::regclass", connection);
        command.Parameters.AddWithValue(sequence);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Moves a sequence on so that it next hands out <paramref name="next"/>, unless it is past that already.</summary>
    public static async Task<bool> MoveToAsync(NpgsqlConnection connection, string sequence, long next, long increment, CancellationToken cancellationToken)
    {
        var current = await NextOfSequenceAsync(connection, sequence, cancellationToken).ConfigureAwait(false);
        if (increment >= 0 ? current >= next : current <= next) return false;
        await using var command = new NpgsqlCommand("SELECT setval($1::regclass, $2, false)", connection);
        command.Parameters.AddWithValue(sequence);
        command.Parameters.AddWithValue(next);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
