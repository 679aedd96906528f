using Npgsql;

namespace OmsSync.Integration.Tests.Infrastructure;

/// <summary>The suite's PostgreSQL server (OMSSYNC_TEST_POSTGRES): connections and one-line helpers, in database postgres.</summary>
public static class TestPostgres
{
    public const string Database = "postgres";

    public static ServerAddress Server => TestServers.Postgres;

    public static string ConnectionString(string database = Database) => new NpgsqlConnectionStringBuilder
    {
        Host = Server.Host,
        Port = Server.Port,
        Username = TestServers.User,
        Password = TestServers.Password,
        Database = database,
        Pooling = false,
        Options = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c extra_float_digits=1",
    }.ConnectionString;

    public static async Task<NpgsqlConnection> OpenAsync(string database = Database)
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteAsync(string sql, string database = Database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string sql, string database = Database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public static async Task<List<string>> ColumnAsync(string sql, string database = Database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.IsDBNull(0) ? "NULL" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
