using Npgsql;

namespace OmsSync.Engine.Postgres;

/// <summary>
/// Work on a PostgreSQL source inside a READ ONLY transaction: a row filter that calls a function which writes (a
/// user's own, or one running SQL text) fails there instead of changing the source.
/// </summary>
internal static class PostgresReadOnly
{
    public static async Task<T> RunAsync<T>(NpgsqlConnection connection, Func<NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
            await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}
