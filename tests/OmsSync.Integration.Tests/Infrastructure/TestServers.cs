using MySqlConnector;

namespace OmsSync.Integration.Tests.Infrastructure;

/// <summary>
/// The throwaway servers that `./build.sh test` (scripts/servers.sh) starts. Their addresses come
/// from environment variables; a missing one fails the test loudly rather than skipping it.
/// </summary>
public static class TestServers
{
    public const string User = "oms";
    public const string Password = "oms-test-pw";

    /// <summary>First MariaDB instance (usually the source).</summary>
    public static ServerAddress MariaDbA => Address("OMSSYNC_TEST_MARIADB_A");
    /// <summary>Second MariaDB instance (usually the target).</summary>
    public static ServerAddress MariaDbB => Address("OMSSYNC_TEST_MARIADB_B");
    public static ServerAddress Postgres => Address("OMSSYNC_TEST_POSTGRES");

    private static ServerAddress Address(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException(
                $"{variable} is not set: run the tests through './build.sh test', which starts the servers, " +
                $"or start one with scripts/servers.sh and set {variable}=127.0.0.1:PORT.");
        var colon = value.LastIndexOf(':');
        return new ServerAddress(value[..colon], int.Parse(value[(colon + 1)..]));
    }

    /// <summary>A database name no other test uses; tests create and drop their own objects.</summary>
    public static string UniqueName(string prefix) =>
        $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    public static string MySqlConnectionString(ServerAddress server, string? database = null) =>
        new MySqlConnectionStringBuilder
        {
            Server = server.Host,
            Port = (uint)server.Port,
            UserID = User,
            Password = Password,
            Database = database ?? "",
            AllowUserVariables = true,
            AllowZeroDateTime = true,
            ConvertZeroDateTime = false,
            AllowLoadLocalInfile = true,
            Pooling = false,
        }.ConnectionString;

    public static async Task<MySqlConnection> OpenMySqlAsync(ServerAddress server, string? database = null)
    {
        var connection = new MySqlConnection(MySqlConnectionString(server, database));
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteAsync(ServerAddress server, string sql, string? database = null)
    {
        await using var connection = await OpenMySqlAsync(server, database);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(ServerAddress server, string sql, string? database = null)
    {
        await using var connection = await OpenMySqlAsync(server, database);
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The binlog file the server writes now.</summary>
    public static async Task<string> CurrentBinlogAsync(ServerAddress server)
    {
        await using var connection = await OpenMySqlAsync(server);
        await using var command = new MySqlCommand("SHOW MASTER STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException($"The binlog of {server} is off.");
        return reader.GetString(0);
    }

    /// <summary>
    /// Rotates and purges until <paramref name="file"/> is gone: MariaDB keeps a file until its binlog
    /// checkpoint has passed and while a dump thread still reads it, so one PURGE may not be enough.
    /// </summary>
    public static async Task PurgeBinlogsAsync(ServerAddress server, string file)
    {
        await ExecuteAsync(server, "FLUSH BINARY LOGS");
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await ExecuteAsync(server, $"PURGE BINARY LOGS TO '{await CurrentBinlogAsync(server)}'");
            await using var connection = await OpenMySqlAsync(server);
            await using var command = new MySqlCommand("SHOW BINARY LOGS", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var remaining = new List<string>();
            while (await reader.ReadAsync()) remaining.Add(reader.GetString(0));
            if (!remaining.Contains(file)) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The server kept {file} through 10 s of PURGE BINARY LOGS.");
    }
}

public sealed record ServerAddress(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";
}
