using OmsSync.Engine.Changes;
using MySqlConnector;
using OmsSync.Engine.MySql.Values;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Writes a row into the source's `oms`.`heartbeat` table every second, so an idle source still logs
/// transactions: the checkpoint keeps moving (the binlog it points to is not purged from under it) and
/// lag is measured against a recent commit. The row carries the source's clock in microseconds, finer than
/// the whole seconds MariaDB logs commit times in. It keeps trying through outages (<see cref="HeartbeatLoop"/>);
/// without the privilege to write there, it says so once and stays silent.
/// </summary>
internal static class SourceHeartbeat
{
    private const string Database = "oms";
    private const string Table = "heartbeat";

    public static bool IsHeartbeatTable(string database, string table) => database == Database && table == Table;

    /// <summary>The time a task's heartbeat was written, when the transaction is that heartbeat; else null.</summary>
    public static DateTimeOffset? BeatOf(SourceTransaction transaction, string task)
    {
        // A heartbeat is one REPLACE: an update, or a delete and an insert.
        if (transaction.Changes.Count is 0 or > 2 || transaction.Changes[^1] is not RowChange { After: { } after } row
            || !IsHeartbeatTable(row.Database, row.Table))
            return null;
        int taskColumn = -1, beatColumn = -1;
        for (var i = 0; i < row.ColumnNames.Count; i++)
        {
            if (row.ColumnNames[i] == "task") taskColumn = i;
            if (row.ColumnNames[i] == "beat") beatColumn = i;
        }
        if (taskColumn < 0 || beatColumn < 0 || after[taskColumn]?.ToString() != task || after[beatColumn] is not Values.MySqlDateTime { IsZero: false } beat)
            return null;
        return new DateTimeOffset(DateTime.SpecifyKind(beat.ToDateTime(), DateTimeKind.Utc));
    }

    /// <param name="task">The task's <see cref="Model.MigrationTask.OmsKey"/>.</param>
    public static Task RunAsync(MySqlEndpoint source, string task, TimeSpan interval, Action<string> log, CancellationToken cancellationToken) =>
        HeartbeatLoop.RunAsync($"source heartbeat on data source '{source.Source.Name}'", async (beaten, token) =>
        {
            await using var connection = await source.OpenAsync(token).ConfigureAwait(false);
            await using (var create = new MySqlCommand(
                "CREATE DATABASE IF NOT EXISTS `oms`; CREATE TABLE IF NOT EXISTS `oms`.`heartbeat` (task VARCHAR(128) NOT NULL PRIMARY KEY, beat DATETIME(6) NOT NULL) ENGINE=InnoDB",
                connection))
                await create.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await using var beat = new MySqlCommand("REPLACE INTO `oms`.`heartbeat` (task, beat) VALUES (@t, UTC_TIMESTAMP(6))", connection);
                beat.Parameters.AddWithValue("@t", task);
                await beat.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                beaten();
            }
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false));
        }, log, cancellationToken);
}
