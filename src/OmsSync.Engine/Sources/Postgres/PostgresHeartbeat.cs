using Npgsql;
using OmsSync.Engine.Connections;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// Writes a logical decoding message (pg_logical_emit_message, outside any transaction) on the source every few
/// seconds. It reaches the task's stream even when no published table changes, so the checkpoint keeps moving, the
/// slot is acknowledged and lets the WAL of other activity go, and lag is measured. Without the right, it stays silent.
/// </summary>
internal static class PostgresHeartbeat
{
    public const string Prefix = "oms_heartbeat";

    public static async Task RunAsync(PostgresEndpoint source, string task, TimeSpan interval, Action<string> log, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await using var beat = new NpgsqlCommand($"SELECT pg_logical_emit_message(false, '{Prefix}', $1)", connection);
                beat.Parameters.AddWithValue(task);
                await beat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or Errors.OmsException)
        {
            log($"source heartbeat off: {e.Message}");
        }
    }
}
