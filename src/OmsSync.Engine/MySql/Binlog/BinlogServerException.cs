namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// An error the MySQL or MariaDB server reported (an ERR packet), with its error number and
/// SQLSTATE so callers can react with <c>catch (BinlogServerException e) when (e.IsBinlogUnavailable)</c>.
/// </summary>
public sealed class BinlogServerException : Exception
{
    /// <summary>ER_MASTER_FATAL_ERROR_READING_BINLOG: the requested binlog file, position or GTID is gone or unknown.</summary>
    public const int FatalErrorReadingBinlog = 1236;
    public const int AccessDenied = 1045;

    /// <param name="server">The server that sent it, as errors name it (its data source), when known.</param>
    public BinlogServerException(int errorNumber, string sqlState, string message, string? server = null)
        : base($"Server error {errorNumber} ({sqlState}){(server is null ? "" : " from " + server)}: {message}")
    {
        ErrorNumber = errorNumber;
        SqlState = sqlState;
        ServerMessage = message;
    }

    public int ErrorNumber { get; }
    public string SqlState { get; }
    /// <summary>The server's message text without the number and state prefix.</summary>
    public string ServerMessage { get; }

    /// <summary>
    /// True when the server cannot serve the requested start position: the binlog file was purged
    /// or never existed, or the GTID position is no longer (or not yet) in the server's binlogs.
    /// A task must fail on this rather than skip ahead.
    /// </summary>
    public bool IsBinlogUnavailable => ErrorNumber == FatalErrorReadingBinlog;
}
