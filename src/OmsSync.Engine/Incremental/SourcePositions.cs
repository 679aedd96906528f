using MySqlConnector;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>Where a MySQL-family source's binlog stands now, as a resumable transaction boundary.</summary>
public static class SourcePositions
{
    public static async Task<BinlogPosition> CurrentAsync(MySqlConnection source, CancellationToken cancellationToken)
    {
        var mariaDb = source.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        string file;
        long offset;
        // SHOW MASTER STATUS and the GTID state are read in one statement batch, with nothing in between from this session.
        await using (var command = new MySqlCommand("SHOW MASTER STATUS", source))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw new OmsException("BinlogDisabled", OmsErrorKind.InvalidState, null,
                    "The source has no binlog (SHOW MASTER STATUS is empty): start it with --log-bin and binlog_format=ROW.");
            file = reader.GetString(0);
            offset = reader.GetInt64(1);
        }
        await using var gtid = new MySqlCommand(mariaDb ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed", source);
        var gtids = (await gtid.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))?.ToString();
        return new BinlogPosition(file, offset, string.IsNullOrWhiteSpace(gtids) ? null : gtids.Replace("\n", ""),
            mariaDb ? BinlogServerFlavor.MariaDb : BinlogServerFlavor.MySql);
    }

    /// <summary>The oldest binlog file the source still has, for starts at a timestamp.</summary>
    public static async Task<BinlogPosition> OldestAsync(MySqlConnection source, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SHOW BINARY LOGS", source);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new OmsException("BinlogDisabled", OmsErrorKind.InvalidState, null, "The source has no binlog files.");
        var mariaDb = source.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        return new BinlogPosition(reader.GetString(0), 4, null, mariaDb ? BinlogServerFlavor.MariaDb : BinlogServerFlavor.MySql);
    }
}
