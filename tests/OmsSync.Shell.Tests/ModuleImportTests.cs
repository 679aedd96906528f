using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class ModuleImportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ModuleNamedByTheEnvironmentIsImportedBeforeTheScript()
    {
        _folder.Write("OmsSync.psm1", "function Get-OmsGreeting { param([string]$Who = 'world') \"hello, $Who\" }\nfunction Hidden { 'no' }\n");
        string manifest = _folder.Write("OmsSync.psd1", """
            @{
                RootModule = 'OmsSync.psm1'
                ModuleVersion = '0.1.0'
                GUID = 'a3f1c1de-9a8e-4c43-8d2e-0a0f6f0e2b11'
                FunctionsToExport = @('Get-OmsGreeting')
            }
            """);

        var run = OmsSyncProcess.Run(["-Command", "Get-OmsGreeting -Who tests; [bool](Get-Command Hidden -ErrorAction Ignore)"], null,
            new Dictionary<string, string?> { ["OMSSYNC_MODULE"] = manifest });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hello, tests\nFalse\n", run.StdOut);
    }

    [Fact]
    public void MissingManifestStopsWithAHintToBuild()
    {
        string absent = Path.Combine(_folder.Path, "nowhere", "OmsSync.psd1");

        var run = OmsSyncProcess.Run(["-Command", "'should not run'"], null,
            new Dictionary<string, string?> { ["OMSSYNC_MODULE"] = absent });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.StdOut);
        Assert.Contains("OMSSYNC_MODULE", run.StdErr);
        Assert.Contains("./build.sh", run.StdErr);
    }

    [Fact]
    public void BrokenModuleStopsWithTheImportError()
    {
        _folder.Write("OmsSync.psm1", "function Broken {");
        string manifest = _folder.Write("OmsSync.psd1", "@{ RootModule = 'OmsSync.psm1'; ModuleVersion = '0.1.0' }");

        var run = OmsSyncProcess.Run(["-Command", "'should not run'"], null,
            new Dictionary<string, string?> { ["OMSSYNC_MODULE"] = manifest });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.StdOut);
        Assert.Contains("cannot import the OmsSync module", run.StdErr);
    }

    [Fact]
    public void NoModuleSkipsTheImport()
    {
        var run = OmsSyncProcess.Run(["-NoModule", "-Command", "'ran'"], null,
            new Dictionary<string, string?> { ["OMSSYNC_MODULE"] = Path.Combine(_folder.Path, "absent.psd1") });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("ran\n", run.StdOut);
    }
}
