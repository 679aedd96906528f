namespace OmsSync.Shell.Tests;

/// <summary>What one run of omssync printed and returned.</summary>
public sealed record ShellRun(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
