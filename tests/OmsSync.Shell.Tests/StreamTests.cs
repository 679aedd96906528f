using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class StreamTests
{
    [Fact]
    public void WarningGoesToStandardErrorNotOutput()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "Write-Warning 'low disk'; 'data'");

        Assert.Equal("data\n", run.StdOut);
        Assert.Contains("WARNING: low disk", run.StdErr);
    }

    [Fact]
    public void VerboseIsShownOnlyWhenAsked()
    {
        var quiet = OmsSyncProcess.Run("-NoModule", "-Command", "Write-Verbose 'detail'");
        var loud = OmsSyncProcess.Run("-NoModule", "-Command", "$VerbosePreference = 'Continue'; Write-Verbose 'detail'");

        Assert.DoesNotContain("detail", quiet.StdErr + quiet.StdOut);
        Assert.Contains("VERBOSE: detail", loud.StdErr);
    }

    [Fact]
    public void WriteHostAndInformationGoToOutputOnce()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command",
            "Write-Host 'a' 'b' -NoNewline; Write-Host 'c' -ForegroundColor Red; Write-Information 'note' -InformationAction Continue; Write-Information 'hidden'");

        Assert.Equal("a bc\nnote\n", run.StdOut);
    }

    [Fact]
    public void ErrorRecordsGoToStandardErrorAsCommandColonMessage()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "Write-Error 'bad row'; 'after'");

        Assert.Equal("after\n", run.StdOut);
        Assert.Contains("Write-Error: bad row", run.StdErr);
    }

    [Fact]
    public void ProgressIsNotDrawnWhenStandardErrorIsRedirected()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "Write-Progress -Activity Copy -PercentComplete 50; Write-Progress -Activity Copy -Completed; 'x'");

        Assert.Equal("x\n", run.StdOut);
        Assert.Equal(string.Empty, run.StdErr);
    }
}
