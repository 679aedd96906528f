using MySqlConnector;
using OmsSync.Engine.Connections;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Writes a row into the source's `oms`.`heartbeat` table every few seconds, so an idle source still logs
/// transactions: the checkpoint keeps moving (the binlog it points to is not purged from under it) and
/// lag is measured against a recent commit. Without the privilege to write there, it stays silent.
/// </summary>
internal static class SourceHeartbeat
{
    public static async Task RunAsync(MySqlEndpoint source, string task, TimeSpan interval, Action<string> log, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var create = new MySqlCommand(
                "CREATE DATABASE IF NOT EXISTS `oms`; CREATE TABLE IF NOT EXISTS `oms`.`heartbeat` (task VARCHAR(128) NOT NULL PRIMARY KEY, beat DATETIME(6) NOT NULL) ENGINE=InnoDB",
                connection))
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await using var beat = new MySqlCommand("REPLACE INTO `oms`.`heartbeat` (task, beat) VALUES (@t, UTC_TIMESTAMP(6))", connection);
                beat.Parameters.AddWithValue("@t", task);
                await beat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is MySqlException or Errors.OmsException)
        {
            log($"source heartbeat off: {e.Message}");
        }
    }
}
