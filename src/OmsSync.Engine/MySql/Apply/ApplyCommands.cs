using System.Data;
using MySqlConnector;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// Sends what the apply path sends to a MySQL-family target (its transactions, the statements in them, conflict
/// settling, the checkpoint) and counts each round trip as it makes it, so the worker log's figure is what went over
/// the wire, conflicts included.
/// </summary>
internal static class ApplyCommands
{
    private static long _roundTrips;

    /// <summary>Round trips this process made to MySQL-family targets while applying changes.</summary>
    public static long RoundTrips => Interlocked.Read(ref _roundTrips);

    public static async Task<int> ExecuteAsync(MySqlCommand command, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _roundTrips);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> ExecuteAsync(MySqlConnection target, MySqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, target, transaction);
        return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<MySqlDataReader> ReaderAsync(MySqlCommand command, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _roundTrips);
        return await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<MySqlTransaction> BeginAsync(MySqlConnection target, IsolationLevel isolation, CancellationToken cancellationToken)
    {
        // The client library sets the isolation level before every START TRANSACTION: two round trips.
        Interlocked.Add(ref _roundTrips, 2);
        return await target.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
    }

    public static async Task CommitAsync(MySqlTransaction transaction, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _roundTrips);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
