using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>Source and target servers restarted under a running task: it recovers by itself, nothing lost.</summary>
public sealed class ServerRestartTests
{
    [Fact]
    public async Task SourceAndTargetRestartsAreRidenOutWithNothingLost()
    {
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("src", 501);
        var target = servers.StartMariaDb("dst", 502);
        await using var h = EngineHarness.Create();
        foreach (var (name, server) in new[] { ("psrc", source), ("pdst", target) })
            h.Service.DataSources.Add(new DataSource { Name = name, Kind = DataSourceKind.MariaDb, Server = server.Host, Port = server.Port, User = TestServers.User },
                TestServers.Password);
        await TestServers.ExecuteAsync(source, "CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, v INT NOT NULL);");
        var task = h.AddTask(new MigrationTask
        {
            Name = "restarts", Source = "psrc", Target = "pdst", Include = ["app.*"],
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() => h.Service.Status(task.Name, Direction.Forward).Phase == TaskPhase.Incremental,
            TimeSpan.FromSeconds(60), "the incremental phase");

        await TestServers.ExecuteAsync(source, "INSERT INTO app.t SELECT seq, seq FROM app.seq_1_to_500;");
        servers.Restart("src");
        await TestServers.ExecuteAsync(source, "UPDATE app.t SET v = v + 1 WHERE id <= 250; INSERT INTO app.t SELECT seq, 0 FROM app.seq_501_to_700;");
        servers.Restart("dst");
        await TestServers.ExecuteAsync(source, "DELETE FROM app.t WHERE id % 7 = 0; INSERT INTO app.t VALUES (1000, 1000);");

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!(await SafeSnapshotAsync(source) is { } expected && await SafeSnapshotAsync(target) is { } actual && expected.SequenceEqual(actual)))
        {
            var state = h.Service.Status(task.Name, Direction.Forward);
            if (DateTime.UtcNow > deadline || state.Status == TaskStatus.Failed)
                Assert.Fail($"not equal after the restarts; task {state.Status}: {state.Message}\n{File.ReadAllText(h.Service.Home.WorkerLog(task.Name, Direction.Forward))}");
            await Task.Delay(300);
        }
        Assert.True(h.Service.IsWorkerAlive(task.Name, Direction.Forward), "the worker rode the restarts out");
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }

    /// <summary>The table's rows, or null while the server is still coming back.</summary>
    private static async Task<List<string>?> SafeSnapshotAsync(ServerAddress server)
    {
        try
        {
            return await TableSnapshot.ReadAsync(server, "app", "t", "id");
        }
        catch (MySqlConnector.MySqlException)
        {
            return null;
        }
    }
}
