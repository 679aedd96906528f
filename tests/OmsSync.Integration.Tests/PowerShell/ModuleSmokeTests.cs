using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

[Collection(PowerShellCollection.Name)]
public sealed class ModuleSmokeTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    [Fact]
    public void EngineLoadsBesideTheWorker()
    {
        var location = ps.Run("[OmsSync.Engine.Runtime.OmsService].Assembly.Location")[0].ToString();
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(location)!, "OmsSync.Worker.dll")), location);
    }
}
