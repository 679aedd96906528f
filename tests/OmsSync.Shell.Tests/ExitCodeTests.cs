using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class ExitCodeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ExitInAScriptFileGivesItsCode()
    {
        string script = _folder.Write("exit.ps1", "function Leave { exit 3 }\n'before'\nLeave\n'after'\n");

        var run = OmsSyncProcess.Run("-NoModule", "-File", script);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("before\n", run.StdOut);
    }

    [Fact]
    public void ExitInACommandGivesItsCode()
    {
        Assert.Equal(7, OmsSyncProcess.Run("-NoModule", "-Command", "exit 7").ExitCode);
    }

    [Fact]
    public void UncaughtThrowPrintsTheErrorAndGivesOne()
    {
        string script = _folder.Write("throw.ps1", "'before'\nthrow 'the disk is on fire'\n'after'\n");

        var run = OmsSyncProcess.Run("-NoModule", "-File", script);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("before\n", run.StdOut);
        Assert.Contains("the disk is on fire", run.StdErr);
    }

    [Fact]
    public void NonTerminatingErrorsInAFileStillGiveZero()
    {
        string script = _folder.Write("errors.ps1", "Write-Error 'first problem'\nGet-Command no-such-command\n'done'\n");

        var run = OmsSyncProcess.Run("-NoModule", "-File", script);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("done\n", run.StdOut);
        Assert.Contains("first problem", run.StdErr);
        Assert.Contains("no-such-command", run.StdErr);
    }

    [Fact]
    public void CommandWhoseLastStatementFailedGivesOne()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "'ok'; Get-Command no-such-command");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no-such-command", run.StdErr);
    }

    [Fact]
    public void CommandWhoseLastStatementSucceededGivesZero()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "Get-Command no-such-command; 'ok'");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("ok\n", run.StdOut);
    }

    [Fact]
    public void ParseErrorIsReportedWithItsPosition()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "if ($x {");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("ParserError: 1:", run.StdErr);
    }
}
