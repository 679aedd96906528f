using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class CommandInputTests
{
    [Fact]
    public void CommandDashReadsTheScriptFromStandardInput()
    {
        var run = OmsSyncProcess.Run(["-NoModule", "-Command", "-"], "$x = 20\nfunction Twice($n) { $n * 2 }\nTwice $x\n", null);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("40\n", run.StdOut);
    }

    [Fact]
    public void RemainingArgumentsAreJoinedIntoTheCommand()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-c", "'a' +", "'b'");

        Assert.Equal("ab\n", run.StdOut);
    }

    [Fact]
    public void ProfileAndInteractivityOptionsAreAccepted()
    {
        var run = OmsSyncProcess.Run("-NoProfile", "-NonInteractive", "-NoModule", "-Command", "'fine'");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("fine\n", run.StdOut);
    }

    [Fact]
    public void NonInteractiveRunFailsInsteadOfPrompting()
    {
        var run = OmsSyncProcess.Run("-NonInteractive", "-NoModule", "-Command", "function F { param([Parameter(Mandatory)]$Need) $Need }; F");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Need", run.StdErr);
    }

    [Fact]
    public void HelpPrintsUsage()
    {
        foreach (string option in new[] { "-Help", "-?", "-h" })
        {
            var run = OmsSyncProcess.Run(option);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("omssync [options] -File <script.ps1>", run.StdOut);
        }
    }

    [Fact]
    public void VersionNamesThePowerShellEngine()
    {
        var run = OmsSyncProcess.Run("-Version");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^omssync \S+ \(PowerShell 7\.6\.\d+\)\n$", run.StdOut);
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var run = OmsSyncProcess.Run("-Bogus");

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("Unknown option '-Bogus'", run.StdErr);
    }
}
