using Npgsql;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// Writes a logical decoding message (pg_logical_emit_message, outside any transaction) on the source every few
/// seconds. It reaches the task's stream even when no published table changes, so the checkpoint keeps moving, the
/// slot is acknowledged and lets the WAL of other activity go, and lag is measured. The message holds the task and the
/// source's clock when it was written: every transaction the source committed before then comes before it in the
/// stream, so once it is applied the checkpoint's source commit time may move to that time (as a MySQL source's
/// heartbeat row moves it), and a reader waiting for the target to catch up with a moment on the source is not kept
/// waiting by an idle source. It keeps trying through outages (<see cref="HeartbeatLoop"/>); without the
/// right, it says so once and stays silent.
/// </summary>
internal static class PostgresHeartbeat
{
    public const string Prefix = "oms_heartbeat";

    public static Task RunAsync(PostgresEndpoint source, string task, TimeSpan interval, Action<string> log, CancellationToken cancellationToken) =>
        HeartbeatLoop.RunAsync($"source heartbeat on data source '{source.Source.Name}'", async (beaten, token) =>
        {
            await using var connection = await source.OpenAsync(token).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await using var beat = new NpgsqlCommand(
                    $"SELECT pg_logical_emit_message(false, '{Prefix}', $1 || ' ' || to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'))", connection);
                beat.Parameters.AddWithValue(task);
                await beat.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                beaten();
            }
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false));
        }, log, cancellationToken);

    /// <summary>The source's clock (UTC) in a heartbeat message's content, "task yyyy-MM-dd HH:mm:ss.ffffff"; null for other content.</summary>
    public static DateTimeOffset? SourceClock(string content) =>
        content.Length > 26 && DateTime.TryParseExact(content[^26..], "yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;
}
