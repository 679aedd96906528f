using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Pre-checks of PostgreSQL data sources against the suite's real server.</summary>
public sealed class PostgresDataSourceTests
{
    [Fact]
    public async Task APrivilegedUserPassesEveryRole()
    {
        await using var h = EngineHarness.Create();
        var results = await h.Service.TestDataSourceAsync(h.Postgres, DataSourceRole.Source | DataSourceRole.Target | DataSourceRole.IncrementalSource, CancellationToken.None);
        Assert.All(results, r => Assert.True(r.Status == CheckStatus.Pass, $"{r.Check}: {r.Message}"));
        Assert.Equal(["Connectivity", "Version", "Encoding", "TargetPrivileges", "SourcePrivileges", "WalLevel", "ReplicationPrivileges", "ReplicationSlots", "WalSenders"],
            results.Select(r => r.Check));
        Assert.Contains("PostgreSQL 1", results.Single(r => r.Check == "Version").Message);
    }

    [Fact]
    public async Task AnOrdinaryUserFailsReplicationAndCreateWithTheFixInTheMessage()
    {
        await using var h = EngineHarness.Create();
        var role = TestServers.UniqueName("plain");
        await TestPostgres.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'plain-pw' NOSUPERUSER NOREPLICATION");
        try
        {
            h.Service.DataSources.Add(new DataSource
            {
                Name = "plain", Kind = DataSourceKind.PostgreSql, Server = TestPostgres.Server.Host, Port = TestPostgres.Server.Port, User = role,
            }, "plain-pw");
            var results = await h.Service.TestDataSourceAsync("plain", DataSourceRole.Target | DataSourceRole.IncrementalSource, CancellationToken.None);
            var replication = results.Single(r => r.Check == "ReplicationPrivileges");
            Assert.Equal(CheckStatus.Fail, replication.Status);
            Assert.Contains($"ALTER ROLE \"{role}\" REPLICATION", replication.Message);
            var create = results.Single(r => r.Check == "TargetPrivileges");
            Assert.Equal(CheckStatus.Fail, create.Status);
            Assert.Contains("GRANT CREATE ON DATABASE \"postgres\"", create.Message);
            Assert.Equal(CheckStatus.Pass, results.Single(r => r.Check == "WalLevel").Status);

            // The suite's server trusts local users, so a refused connection is shown with a port nobody listens on.
            h.Service.DataSources.Add(new DataSource
            {
                Name = "nowhere", Kind = DataSourceKind.PostgreSql, Server = "127.0.0.1", Port = FreePort(), User = role,
            }, "plain-pw");
            var refused = await Assert.ThrowsAsync<DatabaseException>(() => h.Service.ConnectAsync("nowhere", CancellationToken.None));
            Assert.Equal("ConnectionFailed", refused.ErrorId);
            Assert.Contains("data source 'nowhere'", refused.Message);
        }
        finally
        {
            await TestPostgres.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task AMissingDatabaseIsNamed()
    {
        await using var h = EngineHarness.Create();
        h.Service.DataSources.Add(new DataSource
        {
            Name = "nodb", Kind = DataSourceKind.PostgreSql, Server = TestPostgres.Server.Host, Port = TestPostgres.Server.Port,
            User = TestServers.User, Database = "no_such_database",
        }, TestServers.Password);
        var results = await h.Service.TestDataSourceAsync("nodb", DataSourceRole.Target, CancellationToken.None);
        var failed = Assert.Single(results);
        Assert.Equal(CheckStatus.Fail, failed.Status);
        Assert.Contains("no_such_database", failed.Message);
        Assert.Contains("-Database", failed.Message);
    }
}
