using System.Diagnostics;
using System.Runtime.InteropServices;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// Starts an OmsSync.Worker process for a task's direction, detached from the calling shell so the
/// work goes on after the shell exits. Output goes to the task's log under $OMSSYNC_HOME/logs.
/// </summary>
public static class WorkerLauncher
{
    public static Process Launch(OmsHome home, string task, Direction direction) =>
        Start(home, ["run", "--task", task, "--direction", direction.ToString(), "--home", home.Path, "--log", home.WorkerLog(task, direction)]);

    /// <summary>Starts a worker that runs one verification of a task (see Verification.VerificationHost).</summary>
    public static Process LaunchVerification(OmsHome home, string task, long runId) =>
        Start(home, ["verify", "--task", task, "--run", runId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--home", home.Path, "--log", home.VerificationLog(task)]);

    /// <summary>Starts a worker that runs a task's cut-over (see CutOver.CutOverHost).</summary>
    public static Process LaunchCutOver(OmsHome home, string task) =>
        Start(home, ["cutover", "--task", task, "--home", home.Path, "--log", home.CutOverLog(task)]);

    /// <summary>Starts the home's supervisor, which restarts workers that die.</summary>
    public static Process LaunchSupervisor(OmsHome home) =>
        Start(home, ["supervise", "--home", home.Path, "--log", Path.Combine(home.LogDirectory, "supervisor.log")]);

    private static Process Start(OmsHome home, IReadOnlyList<string> workerArguments)
    {
        var task = workerArguments.Count > 2 ? workerArguments[2] : "supervisor";
        // The worker ships beside the engine; OMSSYNC_WORKER points elsewhere (tests run the engine from their own folder).
        var workerDll = Environment.GetEnvironmentVariable("OMSSYNC_WORKER") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetDirectoryName(typeof(WorkerLauncher).Assembly.Location)!, "OmsSync.Worker.dll");
        if (!File.Exists(workerDll))
            throw new FileNotFoundException($"The worker '{workerDll}' is missing. Rebuild OmsSync (./build.sh) so that it sits beside OmsSync.Engine.dll.", workerDll);
        var dotnet = DotnetHost();
        home.EnsureCreated();
        var arguments = new List<string>();
        string fileName;
        if (!OperatingSystem.IsWindows() && File.Exists("/bin/sh") && File.Exists("/usr/bin/setsid"))
        {
            // A new session: no terminal hang-up or Ctrl+C of the shell reaches the worker. Its standard streams
            // go to its log rather than the caller's: a worker must not hold a pipe the caller reads to its end.
            fileName = "/bin/sh";
            var log = workerArguments[workerArguments.Count - 1];
            arguments.AddRange(["-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", log, "/usr/bin/setsid", dotnet]);
        }
        else
        {
            fileName = dotnet;
        }
        arguments.Add(workerDll);
        arguments.AddRange(workerArguments);
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            CreateNoWindow = true,
            WorkingDirectory = home.Path,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["OMSSYNC_HOME"] = home.Path;
        start.Environment["DOTNET_gcServer"] = "0";
        return Process.Start(start) ?? throw new InvalidOperationException($"The worker process for task '{task}' did not start.");
    }

    /// <summary>True while the process with this id lives (a worker launched but not yet holding its lock, say).</summary>
    /// <summary>
    /// A worker just launched has not taken its lock yet: it counts as running while its process lives, for a grace
    /// period after the heartbeat its launcher recorded.
    /// </summary>
    public static bool IsLaunching(int? pid, DateTimeOffset? heartbeat) =>
        pid is { } p && heartbeat is { } beat && DateTimeOffset.UtcNow - beat <= TimeSpan.FromSeconds(20) && IsRunning(p);

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, for a process to end; returns at once when it is gone.</summary>
    public static async Task WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // gone already
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // still ending: the caller reads its status as it is
        }
    }

    /// <summary>The dotnet host that runs this process's runtime, else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var fromEnv = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, exe)))
            return Path.Combine(fromEnv, exe);
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/ -> .../dotnet/
        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        if (File.Exists(Path.Combine(root, exe)))
            return Path.Combine(root, exe);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, exe);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("No 'dotnet' host was found to run the OmsSync worker. Install the .NET runtime (8.0 or later) or set DOTNET_ROOT.");
    }
}
