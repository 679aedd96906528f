using MySqlConnector;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Connections;

namespace OmsSync.Engine.MySql;

/// <summary>
/// Opens connections to a MySQL-family data source with the session settings every OmsSync
/// connection needs, and turns connection failures into errors that name the data source and the fix.
/// </summary>
public sealed class MySqlEndpoint
{
    private readonly string _connectionString;

    /// <summary>The server's clock (UTC, microseconds), for measuring the skew between two servers.</summary>
    public static async Task<DateTimeOffset> ReadClockAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT UTC_TIMESTAMP(6)", connection);
        var now = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) switch
        {
            MySqlDateTime value => value.GetDateTime(), // sessions allow zero dates
            var value => (DateTime)value!,
        };
        return new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }

    public MySqlEndpoint(DataSource source, string password, int? maxPoolSize = null)
    {
        Source = source;
        var builder = new MySqlConnectionStringBuilder
        {
            Server = source.Server,
            Port = (uint)source.Port,
            UserID = source.User,
            Password = password,
            Database = "",
            AllowUserVariables = true,
            AllowZeroDateTime = true,
            ConvertZeroDateTime = false,
            AllowLoadLocalInfile = true,
            UseAffectedRows = true,
            ConnectionTimeout = 10,
            DefaultCommandTimeout = 0,
            CharacterSet = "utf8mb4",
            SslMode = MySqlSslMode.Preferred,
            Pooling = true,
            MaximumPoolSize = (uint)(maxPoolSize ?? 32),
            ApplicationName = "OmsSync",
        };
        _connectionString = builder.ConnectionString;
    }

    public DataSource Source { get; }

    /// <summary>
    /// Opens a connection whose session reads and writes values exactly: UTC time zone (TIMESTAMP is
    /// stored as UTC), zero dates and explicit zero in AUTO_INCREMENT columns allowed, no strict-mode rewrites.
    /// </summary>
    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var session = new MySqlCommand(
                "SET time_zone = '+00:00', sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'", connection);
            await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (MySqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(e);
        }
    }

    public OmsException Translate(MySqlException e)
    {
        var where = $"data source '{Source.Name}' ({Source.User}@{Source.Endpoint})";
        return (MySqlErrorCode)e.Number switch
        {
            MySqlErrorCode.AccessDenied or MySqlErrorCode.PasswordNotAllowed =>
                new DatabaseException("AuthenticationFailed", OmsErrorKind.AuthenticationFailed, Source.Name,
                    $"The server refused the user or password of {where}: {e.Message} Set the right credential with Set-OmsDataSource -Name '{Source.Name}' -Credential (Get-Credential).",
                    e.Number, e.SqlState, e),
            MySqlErrorCode.UnableToConnectToHost when HostName.Unresolvable(Source.Server) is { } reason =>
                new DatabaseException("ConnectionFailed", OmsErrorKind.ConnectionFailed, Source.Name, HostName.Describe(where, Source.Server, reason), e.Number, e.SqlState, e),
            MySqlErrorCode.UnableToConnectToHost =>
                new DatabaseException("ConnectionFailed", OmsErrorKind.ConnectionFailed, Source.Name,
                    $"Cannot reach {where}: {e.Message} Check that the server runs, that the address and port are right, and that no firewall blocks it.",
                    e.Number, e.SqlState, e),
            MySqlErrorCode.UnknownDatabase =>
                new DatabaseException("DatabaseNotFound", OmsErrorKind.NotFound, Source.Name,
                    $"{where}: {e.Message} Create the database or correct the data source's -Database.", e.Number, e.SqlState, e),
            _ => new DatabaseException("DatabaseError", OmsErrorKind.DataError, Source.Name, $"{where}: {e.Message}", e.Number, e.SqlState, e),
        };
    }
}
