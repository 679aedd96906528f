using Npgsql;
using OmsSync.Engine.Connections;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// Writes a logical decoding message (pg_logical_emit_message, outside any transaction) on the source every few
/// seconds. It reaches the task's stream even when no published table changes, so the checkpoint keeps moving, the
/// slot is acknowledged and lets the WAL of other activity go, and lag is measured. It keeps trying through outages
/// (<see cref="Incremental.HeartbeatLoop"/>); without the right, it says so once and stays silent.
/// </summary>
internal static class PostgresHeartbeat
{
    public const string Prefix = "oms_heartbeat";

    public static Task RunAsync(PostgresEndpoint source, string task, TimeSpan interval, Action<string> log, CancellationToken cancellationToken) =>
        Incremental.HeartbeatLoop.RunAsync($"source heartbeat on data source '{source.Source.Name}'", async (beaten, token) =>
        {
            await using var connection = await source.OpenAsync(token).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await using var beat = new NpgsqlCommand($"SELECT pg_logical_emit_message(false, '{Prefix}', $1)", connection);
                beat.Parameters.AddWithValue(task);
                await beat.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                beaten();
            }
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false));
        }, log, cancellationToken);
}
