using System.Diagnostics;

namespace OmsSync.Shell.Tests;

/// <summary>Starts the built omssync (bin of src/OmsSync.Shell, same configuration as the tests) as a child process.</summary>
public static class OmsSyncProcess
{
    private static readonly Lazy<string> ShellDll = new(FindShellDll);

    public static ShellRun Run(params string[] args) => Run(args, stdin: null, environment: null);

    public static ShellRun Run(IEnumerable<string> args, string? stdin, IDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ShellDll.Value);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("OMSSYNC_MODULE");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("omssync did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("omssync did not finish within 60 s.");
        }

        return new ShellRun(process.ExitCode, stdout.Result.ReplaceLineEndings("\n"), stderr.Result.ReplaceLineEndings("\n"));
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string FindShellDll()
    {
        // The tests live in tests/OmsSync.Shell.Tests/bin/<Configuration>/<tfm>/.
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = testDir.Name;
        string configuration = testDir.Parent!.Name;
        for (var dir = testDir; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "OmsSync.Shell", "bin", configuration, tfm, "omssync.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"omssync.dll was not found under src/OmsSync.Shell/bin/{configuration}/{tfm}: build the solution first.");
    }
}
