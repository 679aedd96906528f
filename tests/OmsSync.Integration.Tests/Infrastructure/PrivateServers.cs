using System.Diagnostics;

namespace OmsSync.Integration.Tests.Infrastructure;

/// <summary>
/// MariaDB servers of one test's own, started by scripts/servers.sh in a temporary directory: for tests
/// that restart a server, which the shared servers of the suite must never be.
/// </summary>
public sealed class PrivateServers : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "omssync-private-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _script;

    public PrivateServers()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OmsSync.sln")))
            dir = dir.Parent;
        _script = dir is null ? throw new InvalidOperationException("The repository root (OmsSync.sln) was not found above the test assembly.")
            : Path.Combine(dir.FullName, "scripts", "servers.sh");
    }

    /// <param name="binlog">False starts the server without a binlog.</param>
    public ServerAddress StartMariaDb(string name, int serverId, bool binlog = true) =>
        Parse(Run("start-mariadb", name, FreePort().ToString(), serverId.ToString(), binlog ? "binlog" : "nobinlog"));

    public ServerAddress Restart(string name) => Parse(Run("restart-mariadb", name));

    /// <summary>kill -9 the server (its data stays; <see cref="Restart"/> starts it again).</summary>
    public void Kill(string name)
    {
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(_root, name, "p.pid")).Trim()));
        process.Kill();
        process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try { Run("stop-all"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(_script);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["OMSSYNC_SERVERS"] = _root;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"servers.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        return output.Trim();
    }

    private static ServerAddress Parse(string address)
    {
        var colon = address.LastIndexOf(':');
        return new ServerAddress(address[..colon], int.Parse(address[(colon + 1)..]));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
