using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>
/// A database of its own on the suite's PostgreSQL server, with or without the postgis extension, registered as a data
/// source of a harness; dropped (with any replication slot left in it) when disposed, after the harness that used it.
/// </summary>
internal sealed class ScratchPostgresDatabase : IAsyncDisposable
{
    private ScratchPostgresDatabase(string name) => Name = name;

    public string Name { get; }

    public static async Task<ScratchPostgresDatabase> CreateAsync(string prefix, bool postGis)
    {
        var database = new ScratchPostgresDatabase(TestServers.UniqueName(prefix).ToLowerInvariant());
        await TestPostgres.ExecuteAsync($"CREATE DATABASE {TestPostgres.Quote(database.Name)}");
        if (postGis) await database.ExecuteAsync("CREATE EXTENSION postgis");
        return database;
    }

    /// <summary>Registers the database as a PostgreSQL data source of <paramref name="h"/>; returns its name.</summary>
    public string Register(EngineHarness h, string source = "pgdb")
    {
        h.Service.DataSources.Add(new DataSource
        {
            Name = source, Kind = DataSourceKind.PostgreSql, Server = TestPostgres.Server.Host, Port = TestPostgres.Server.Port,
            User = TestServers.User, Database = Name,
        }, TestServers.Password);
        return source;
    }

    public Task ExecuteAsync(string sql) => TestPostgres.ExecuteAsync(sql, Name);

    public Task<object?> ScalarAsync(string sql) => TestPostgres.ScalarAsync(sql, Name);

    public Task<List<string>> ColumnAsync(string sql) => TestPostgres.ColumnAsync(sql, Name);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TestPostgres.ExecuteAsync(
                $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '{Name}' AND NOT active; " +
                $"DROP DATABASE IF EXISTS {TestPostgres.Quote(Name)} WITH (FORCE)");
        }
        catch
        {
            // best effort: a left database holds no slot and no connection
        }
    }
}
