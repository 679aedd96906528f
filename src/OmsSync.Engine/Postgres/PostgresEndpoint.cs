using Npgsql;
using Npgsql.Replication;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Connections;

namespace OmsSync.Engine.Postgres;

/// <summary>
/// Opens connections to a PostgreSQL data source with the session settings every OmsSync connection needs,
/// and turns connection failures into errors that name the data source and the fix. The data source's
/// -Database is the database connected to (postgres when none is given); its schemas play the part that
/// databases play on MySQL.
/// </summary>
public sealed class PostgresEndpoint
{
    public const string DefaultDatabase = "postgres";

    // Values are read and written as exact text: UTC for timestamptz, ISO dates, shortest exact floats, hex bytea.
    private const string SessionOptions =
        "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=1 -c bytea_output=hex";

    private readonly string _connectionString;

    /// <summary>The server's clock (microseconds), for measuring the skew between two servers.</summary>
    public static async Task<DateTimeOffset> ReadClockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        var now = (DateTime)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }

    public PostgresEndpoint(DataSource source, string password, int? maxPoolSize = null)
    {
        Source = source;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = source.Server,
            Port = source.Port,
            Username = source.User,
            Password = password,
            Database = Database(source),
            Timeout = 10,
            CommandTimeout = 0,
            ApplicationName = "OmsSync",
            Options = SessionOptions,
            SslMode = SslMode.Prefer,
            Pooling = true,
            MaxPoolSize = maxPoolSize ?? 32,
            // A dropped connection is noticed within a minute even when the server is silent.
            TcpKeepAlive = true,
            // A statement of a batch that breaks a key names itself, so the change applier knows which change it was.
            IncludeFailedBatchedCommand = true,
        };
        _connectionString = builder.ConnectionString;
    }

    public DataSource Source { get; }

    /// <summary>The database a PostgreSQL data source connects to.</summary>
    public static string Database(DataSource source) => string.IsNullOrWhiteSpace(source.Database) ? DefaultDatabase : source.Database;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (NpgsqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(e);
        }
    }

    /// <summary>A logical replication connection (the pgoutput stream of a task's slot); not pooled.</summary>
    public async Task<LogicalReplicationConnection> OpenReplicationAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false };
        var connection = new LogicalReplicationConnection(builder.ConnectionString);
        try
        {
            await connection.Open(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (NpgsqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(e);
        }
    }

    public OmsException Translate(NpgsqlException e)
    {
        var where = $"data source '{Source.Name}' ({Source.User}@{Source.Endpoint}/{Database(Source)})";
        var state = (e as PostgresException)?.SqlState;
        return state switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                new DatabaseException("AuthenticationFailed", OmsErrorKind.AuthenticationFailed, Source.Name,
                    $"The server refused the user or password of {where}: {e.Message} Set the right credential with Set-OmsDataSource -Name '{Source.Name}' -Credential (Get-Credential), " +
                    "and check that pg_hba.conf lets the user in from this host.",
                    null, state, e),
            PostgresErrorCodes.InvalidCatalogName =>
                new DatabaseException("DatabaseNotFound", OmsErrorKind.NotFound, Source.Name,
                    $"{where}: {e.Message} Create the database or correct the data source's -Database.", null, state, e),
            null when e.InnerException is System.Net.Sockets.SocketException && HostName.Unresolvable(Source.Server) is { } reason =>
                new DatabaseException("ConnectionFailed", OmsErrorKind.ConnectionFailed, Source.Name, HostName.Describe(where, Source.Server, reason), null, state, e),
            null when e.InnerException is System.Net.Sockets.SocketException or TimeoutException or IOException || e is NpgsqlException { IsTransient: true } =>
                new DatabaseException("ConnectionFailed", OmsErrorKind.ConnectionFailed, Source.Name,
                    $"Cannot reach {where}: {e.Message} Check that the server runs, that the address and port are right, and that no firewall blocks it.",
                    null, state, e),
            _ => new DatabaseException("DatabaseError", OmsErrorKind.DataError, Source.Name, $"{where}: {e.Message}", null, state, e),
        };
    }
}
