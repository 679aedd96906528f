using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using WorkerRequest = OmsSync.Engine.State.WorkerRequest;

namespace OmsSync.Integration.Tests.Infrastructure;

/// <summary>
/// A private OmsSync home with the two test MariaDB servers registered as data sources, and a
/// fresh source and target database for the test. Everything is dropped on dispose.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly List<string> _databases = [];
    private readonly List<string> _postgresSchemas = [];

    private EngineHarness(string homePath)
    {
        HomePath = homePath;
        Service = OmsService.Open(new OmsHome(homePath));
    }

    public string HomePath { get; }
    public OmsService Service { get; }
    public string SourceName { get; } = "src";
    public string TargetName { get; } = "dst";
    public ServerAddress Source => TestServers.MariaDbA;
    public ServerAddress Target => TestServers.MariaDbB;

    public static EngineHarness Create()
    {
        UseBuiltWorker();
        var home = Path.Combine(Path.GetTempPath(), "omssync-test-" + Guid.NewGuid().ToString("N")[..12]);
        var harness = new EngineHarness(home);
        foreach (var (name, server) in new[] { (harness.SourceName, TestServers.MariaDbA), (harness.TargetName, TestServers.MariaDbB) })
            harness.Service.DataSources.Add(new DataSource
            {
                Name = name, Kind = DataSourceKind.MariaDb, Server = server.Host, Port = server.Port, User = TestServers.User,
            }, TestServers.Password);
        return harness;
    }

    /// <summary>Workers are started from the built module folder (./build.sh), as a user's would be.</summary>
    private static void UseBuiltWorker()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMSSYNC_WORKER"))) return;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OmsSync.sln")))
            dir = dir.Parent;
        var worker = dir is null ? null : Path.Combine(dir.FullName, "bin", "modules", "OmsSync", "OmsSync.Worker.dll");
        if (worker is null || !File.Exists(worker))
            throw new InvalidOperationException("The worker is not built: run ./build.sh (or ./build.sh test) first.");
        Environment.SetEnvironmentVariable("OMSSYNC_WORKER", worker);
    }

    /// <summary>kill -9, and wait until the process is gone for good.</summary>
    public static void KillAndReap(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    /// <summary>Starts the task's worker, and kills it -9 once the full copy has loaded <paramref name="chunks"/> chunks.</summary>
    public async Task KillDuringFullLoadAsync(string task, int chunks)
    {
        var pid = Service.StartWorker(task, Direction.Forward);
        await WaitUntilAsync(() => Service.Runtime.TableProgress(task).Any(p => p.ChunksDone >= chunks), TimeSpan.FromSeconds(60), $"{chunks} chunks to be loaded");
        KillAndReap(pid);
        await WaitUntilAsync(() => !Service.IsWorkerAlive(task, Direction.Forward), TimeSpan.FromSeconds(10), "the worker to die");
    }

    /// <summary>Starts the task's worker again, without its rows-per-second limit, and waits for it to complete the task.</summary>
    public async Task ResumeToCompletionAsync(MigrationTask task)
    {
        Service.Tasks.Update(task with { RowsPerSecond = 0 });
        Service.StartWorker(task.Name, Direction.Forward);
        await WaitUntilAsync(() => Service.Status(task.Name, Direction.Forward).Status != Engine.Model.TaskStatus.Running,
            TimeSpan.FromSeconds(120), "the resumed worker to finish");
        var done = Service.Status(task.Name, Direction.Forward);
        Xunit.Assert.True(done.Status == Engine.Model.TaskStatus.Completed, $"status {done.Status}: {done.Message}");
    }

    /// <summary>Starts the task's worker, then kills it -9 and starts a new one, <paramref name="times"/> times at random moments.</summary>
    public async Task KillRepeatedlyAsync(string task, int times, int seed)
    {
        var random = new Random(seed);
        var pid = Service.StartWorker(task, Direction.Forward);
        for (var kill = 0; kill < times; kill++)
        {
            await Task.Delay(random.Next(500, 1500));
            KillAndReap(pid);
            await WaitUntilAsync(() => !Service.IsWorkerAlive(task, Direction.Forward), TimeSpan.FromSeconds(10), "the worker to die");
            pid = Service.StartWorker(task, Direction.Forward);
        }
    }

    /// <summary>Waits until the condition holds, failing the test with the given message after the timeout.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Waits until the condition (a query, say) holds, failing the test with the given message after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>Creates a uniquely named database on the given server (and remembers to drop it).</summary>
    public async Task<string> CreateDatabaseAsync(ServerAddress server, string prefix, string? sql = null)
    {
        var name = TestServers.UniqueName(prefix);
        await TestServers.ExecuteAsync(server, $"CREATE DATABASE `{name}`");
        _databases.Add($"{server}|{name}");
        if (sql is not null)
            await TestServers.ExecuteAsync(server, sql, name);
        return name;
    }

    /// <summary>Remembers a database the engine will create on a server, to drop it afterwards.</summary>
    public void Track(ServerAddress server, string database) => _databases.Add($"{server}|{database}");

    /// <summary>The suite's PostgreSQL server registered as data source "pg" (database postgres); registered on first use.</summary>
    public string Postgres
    {
        get
        {
            const string name = "pg";
            if (!Service.DataSources.List().Any(d => d.Name == name))
                Service.DataSources.Add(new DataSource
                {
                    Name = name, Kind = DataSourceKind.PostgreSql, Server = TestPostgres.Server.Host, Port = TestPostgres.Server.Port,
                    User = TestServers.User, Database = TestPostgres.Database,
                }, TestServers.Password);
            return name;
        }
    }

    /// <summary>Creates a uniquely named schema on the PostgreSQL server (and remembers to drop it).</summary>
    public async Task<string> CreatePostgresSchemaAsync(string prefix, string? sql = null)
    {
        var name = TestServers.UniqueName(prefix);
        await TestPostgres.ExecuteAsync($"CREATE SCHEMA {TestPostgres.Quote(name)}");
        _postgresSchemas.Add(name);
        if (sql is not null)
            await TestPostgres.ExecuteAsync($"SET search_path TO {TestPostgres.Quote(name)};\n{sql}");
        return name;
    }

    /// <summary>Remembers a schema the engine will create on the PostgreSQL server, to drop it afterwards.</summary>
    public void TrackPostgres(string schema) => _postgresSchemas.Add(schema);

    /// <summary>Stores the task; returns it as stored, with its incarnation id (its rows in `oms` go under its OmsKey).</summary>
    public MigrationTask AddTask(MigrationTask task) => Service.Tasks.Add(task);

    public async ValueTask DisposeAsync()
    {
        // Workers outlive their shell by design; a test's must not outlive the test.
        foreach (var task in Service.Tasks.List())
            foreach (var direction in Enum.GetValues<Direction>())
                if (Service.IsWorkerAlive(task.Name, direction))
                {
                    await Service.RequestAsync(task.Name, direction, WorkerRequest.Stop, TimeSpan.FromSeconds(20), CancellationToken.None);
                    if (Service.Runtime.Get(task.Name, direction).WorkerPid is { } pid && Service.IsWorkerAlive(task.Name, direction))
                        KillAndReap(pid);
                }
        foreach (var entry in _databases)
        {
            var (server, name) = (entry[..entry.IndexOf('|')], entry[(entry.IndexOf('|') + 1)..]);
            var address = server == TestServers.MariaDbA.ToString() ? TestServers.MariaDbA : TestServers.MariaDbB;
            try { await TestServers.ExecuteAsync(address, $"DROP DATABASE IF EXISTS `{name}`"); } catch { /* best effort */ }
        }
        foreach (var task in Service.Tasks.List())
            try { await Service.ReleaseSourceAsync(task.Name, CancellationToken.None); } catch { /* best effort */ }
        foreach (var schema in _postgresSchemas)
            try { await TestPostgres.ExecuteAsync($"DROP SCHEMA IF EXISTS {TestPostgres.Quote(schema)} CASCADE"); } catch { /* best effort */ }
        try { Directory.Delete(HomePath, recursive: true); } catch { /* a worker may still write its log */ }
    }
}
