using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class FileArgumentTests : IDisposable
{
    private const string Script = """
        param(
            [string]$Name = 'none',
            [int]$Count = 1,
            [switch]$Loud,
            [Parameter(Position = 0)] $First,
            [Parameter(Position = 1)] $Second)
        "Name=$Name Count=$Count Loud=$Loud First=$First Second=$Second Root=$([IO.Path]::GetFileName($PSScriptRoot))"
        """;

    private readonly TempFolder _folder = new();
    private readonly string _script;

    public FileArgumentTests() => _script = _folder.Write("args.ps1", Script);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void NamedSwitchAndPositionalArgumentsBind()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-File", _script, "-Name", "joe", "-Loud", "-Count", "5", "p1", "p2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"Name=joe Count=5 Loud=True First=p1 Second=p2 Root={Path.GetFileName(_folder.Path)}\n", run.StdOut);
    }

    [Fact]
    public void SwitchCanBeTurnedOffWithColonFalse()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-File", _script, "-Loud:$false", "-Name:ann");

        Assert.StartsWith("Name=ann Count=1 Loud=False", run.StdOut);
    }

    [Fact]
    public void ParameterNamesAreCaseInsensitiveAndMayBeAbbreviated()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-f", _script, "-nam", "x", "-COUNT", "2");

        Assert.StartsWith("Name=x Count=2 Loud=False", run.StdOut);
    }

    [Fact]
    public void BadArgumentFailsTheRun()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-File", _script, "-Count", "notanumber");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Count", run.StdErr);
    }

    [Fact]
    public void MissingScriptIsReported()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-File", Path.Combine(_folder.Path, "absent.ps1"));

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("absent.ps1", run.StdErr);
    }
}
