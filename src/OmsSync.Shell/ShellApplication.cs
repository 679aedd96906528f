using System.Management.Automation;
using OmsSync.Shell.CommandLine;
using OmsSync.Shell.Execution;
using OmsSync.Shell.Hosting;

namespace OmsSync.Shell;

/// <summary>Runs what the command line asks for and returns the process exit code.</summary>
internal static class ShellApplication
{
    private const int UsageExitCode = 64;

    public static int Run(string[] args)
    {
        ShellOptions options;
        try
        {
            options = ShellArgumentParser.Parse(args, Console.IsInputRedirected);
        }
        catch (ShellArgumentException e)
        {
            Console.Error.WriteLine($"omssync: {e.Message}");
            return UsageExitCode;
        }

        switch (options.Mode)
        {
            case ShellMode.Help:
                Console.Out.WriteLine(UsageText.Text);
                return 0;
            case ShellMode.Version:
                Console.Out.WriteLine($"omssync {ShellHost.ProductVersion} (PowerShell {PSVersionInfo()})");
                return 0;
        }

        var console = new ShellConsole();
        using var session = new ScriptSession(console, options.NonInteractive);
        if (!options.NoModule && !ImportModule(session))
        {
            return 1;
        }

        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            session.Stop();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return options.Mode == ShellMode.File
                ? session.RunFile(options.FilePath!, options.ScriptArguments)
                : session.RunCommand(options.CommandText ?? Console.In.ReadToEnd());
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static bool ImportModule(ScriptSession session)
    {
        string? manifest = ModuleLocator.Find(AppContext.BaseDirectory, out string problem);
        if (manifest is null)
        {
            Console.Error.WriteLine($"omssync: cannot find the OmsSync module. {problem}");
            Console.Error.WriteLine(
                $"Build it first (./build.sh in the repository), or set {ModuleLocator.EnvironmentVariable} to the path of {ModuleLocator.ManifestName}, or run with -NoModule.");
            return false;
        }

        if (!session.TryImportModule(manifest, out string failure))
        {
            Console.Error.WriteLine($"omssync: cannot import the OmsSync module from '{manifest}': {failure}");
            return false;
        }

        return true;
    }

    private static string PSVersionInfo() =>
        typeof(PSObject).Assembly.GetName().Version?.ToString(3) ?? "7";
}
