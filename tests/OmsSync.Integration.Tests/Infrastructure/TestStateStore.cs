using Xunit;
using MySqlConnector;
using Npgsql;
using OmsSync.Engine.State;

namespace OmsSync.Integration.Tests.Infrastructure;

/// <summary>
/// A private OMSSYNC_HOME whose state lives on the backend asked for: the SQLite file, or a database of its own on the
/// test MariaDB (A) or PostgreSQL server, dropped with the home on dispose.
/// </summary>
public sealed class TestStateStore : IDisposable
{
    private TestStateStore(OmsHome home, StateStoreSettings settings)
    {
        Home = home;
        Settings = settings;
    }

    public OmsHome Home { get; }
    public StateStoreSettings Settings { get; }

    /// <summary>The backends every state-store test runs against.</summary>
    public static TheoryData<StateStoreType> Backends => new() { StateStoreType.Sqlite, StateStoreType.MariaDb, StateStoreType.PostgreSql };

    /// <summary>A home set to the backend (its settings file written), its database created empty.</summary>
    public static TestStateStore Create(StateStoreType type)
    {
        var home = new OmsHome(Path.Combine(Path.GetTempPath(), "omssync-state-" + Guid.NewGuid().ToString("N")[..12]));
        home.EnsureCreated();
        var database = TestServers.UniqueName("omsmeta").ToLowerInvariant();
        var settings = type switch
        {
            StateStoreType.Sqlite => StateStoreSettings.Sqlite,
            StateStoreType.PostgreSql => StateStoreSettings.ForServer(home, type, TestServers.Postgres.Host, TestServers.Postgres.Port, database,
                TestServers.User, TestServers.Password),
            _ => StateStoreSettings.ForServer(home, type, TestServers.MariaDbA.Host, TestServers.MariaDbA.Port, database,
                TestServers.User, TestServers.Password),
        };
        settings.Save(home);
        if (type is StateStoreType.MariaDb or StateStoreType.MySql)
        {
            using var connection = new MySqlConnection(TestServers.MySqlConnectionString(TestServers.MariaDbA));
            connection.Open();
            using var create = new MySqlCommand($"CREATE DATABASE `{database}`", connection);
            create.ExecuteNonQuery();
        }
        else if (type == StateStoreType.PostgreSql)
        {
            using var connection = new NpgsqlConnection(TestPostgres.ConnectionString("postgres"));
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            create.ExecuteNonQuery();
        }
        return new TestStateStore(home, settings);
    }

    public StateStore Open() => StateStore.Open(Home);

    public void Dispose()
    {
        try
        {
            if (Settings.Type is StateStoreType.MariaDb or StateStoreType.MySql)
            {
                MySqlConnection.ClearAllPools();
                using var connection = new MySqlConnection(TestServers.MySqlConnectionString(TestServers.MariaDbA));
                connection.Open();
                using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{Settings.Database}`", connection);
                drop.ExecuteNonQuery();
            }
            else if (Settings.Type == StateStoreType.PostgreSql)
            {
                NpgsqlConnection.ClearAllPools();
                using var connection = new NpgsqlConnection(TestPostgres.ConnectionString("postgres"));
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Settings.Database}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
        }
        catch
        {
            // best effort: the servers are throwaway
        }
        try { Directory.Delete(Home.Path, recursive: true); } catch { /* a worker may still write its log */ }
    }
}
