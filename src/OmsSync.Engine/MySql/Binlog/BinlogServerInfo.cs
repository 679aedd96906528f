using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>Questions about a source's binlog asked over an ordinary session: the current position, the files kept, the settings.</summary>
public static class BinlogServerInfo
{
    /// <summary>
    /// The position at the head of the binlog: the file and offset the next transaction will be written at,
    /// with the GTID state there (MariaDB: BINLOG_GTID_POS of that very offset; MySQL: the executed set).
    /// </summary>
    public static async Task<BinlogPosition> GetCurrentPositionAsync(BinlogConnectionOptions options, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReplicationConnection.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var status = await StatusAsync(connection, cancellationToken).ConfigureAwait(false);
        if (status is null) throw new InvalidOperationException($"Server {options.Endpoint} has no binary log (log_bin is OFF).");
        var file = status[0]!;
        var position = long.Parse(status[1]!, System.Globalization.CultureInfo.InvariantCulture);
        if (connection.IsMariaDb)
        {
            var rows = await connection.QueryAsync($"SELECT BINLOG_GTID_POS('{file.Replace("'", "''")}', {position})", cancellationToken).ConfigureAwait(false);
            return new BinlogPosition(file, position, rows.Count > 0 ? rows[0][0] ?? "" : "", BinlogServerFlavor.MariaDb);
        }
        var executed = status.Length > 4 ? status[4]?.Replace("\n", "", StringComparison.Ordinal) : null;
        return new BinlogPosition(file, position, executed, BinlogServerFlavor.MySql);
    }

    /// <summary>The binlog files the server still has, oldest first.</summary>
    public static async Task<IReadOnlyList<BinlogFile>> ListFilesAsync(BinlogConnectionOptions options, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReplicationConnection.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new BinlogFile(r[0]!, long.Parse(r[1]!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    public static async Task<BinlogSourceSettings> GetSettingsAsync(BinlogConnectionOptions options, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReplicationConnection.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_checksum', " +
            "'binlog_row_metadata', 'gtid_mode', 'server_id')", cancellationToken).ConfigureAwait(false);
        var values = rows.ToDictionary(r => r[0]!, r => r[1], StringComparer.OrdinalIgnoreCase);
        string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;
        return new BinlogSourceSettings(
            connection.Handshake.ServerVersion,
            connection.IsMariaDb ? BinlogServerFlavor.MariaDb : BinlogServerFlavor.MySql,
            string.Equals(Get("log_bin"), "ON", StringComparison.OrdinalIgnoreCase),
            Get("binlog_format"), Get("binlog_row_image"), Get("binlog_checksum"), Get("binlog_row_metadata"), Get("gtid_mode"),
            uint.TryParse(Get("server_id"), out var id) ? id : 0);
    }

    /// <summary>SHOW BINARY LOG STATUS (MySQL 8.2+) or SHOW MASTER STATUS; null when binary logging is off.</summary>
    private static async Task<string?[]?> StatusAsync(ReplicationConnection connection, CancellationToken cancellationToken)
    {
        IReadOnlyList<string?[]> rows;
        try
        {
            rows = await connection.QueryAsync(connection.IsMariaDb ? "SHOW MASTER STATUS" : "SHOW BINARY LOG STATUS", cancellationToken).ConfigureAwait(false);
        }
        catch (BinlogServerException e) when (e.ErrorNumber == 1064 && !connection.IsMariaDb)
        {
            rows = await connection.QueryAsync("SHOW MASTER STATUS", cancellationToken).ConfigureAwait(false);
        }
        return rows.Count > 0 ? rows[0] : null;
    }
}
