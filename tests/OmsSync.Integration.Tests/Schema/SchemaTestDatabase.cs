using MySqlConnector;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.Schema;

/// <summary>A uniquely named database on one server, dropped when the test ends.</summary>
internal sealed class SchemaTestDatabase : IAsyncDisposable
{
    private SchemaTestDatabase(ServerAddress server, string name)
    {
        Server = server;
        Name = name;
    }

    public ServerAddress Server { get; }
    public string Name { get; }
    public string Quoted => MySqlSyntax.QuoteIdentifier(Name);

    /// <summary>Reserves a unique name; <paramref name="create"/> creates the database with the given options.</summary>
    public static async Task<SchemaTestDatabase> CreateAsync(ServerAddress server, string prefix, bool create = true, string options = "")
    {
        var db = new SchemaTestDatabase(server, TestServers.UniqueName(prefix));
        if (create) await TestServers.ExecuteAsync(server, $"CREATE DATABASE {db.Quoted} {options}");
        return db;
    }

    public async Task ExecuteAsync(params string[] statements)
    {
        await using var connection = await TestServers.OpenMySqlAsync(Server);
        foreach (var sql in statements)
        {
            await using var command = new MySqlCommand(sql, connection);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (MySqlException e)
            {
                throw new InvalidOperationException($"{e.Message}\nwhile running:\n{sql}", e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await TestServers.ExecuteAsync(Server, $"DROP DATABASE IF EXISTS {Quoted}");
    }
}
