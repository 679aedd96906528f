using System.Collections;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>The cmdlets against the suite's PostgreSQL server.</summary>
[Collection(PowerShellCollection.Name)]
public sealed class PostgresCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    private string Register()
    {
        var name = PowerShellSession.Unique("pg");
        ps.Run("""
            param($Name, $Server, $Port, $Password)
            New-OmsDataSource -Name $Name -Type PostgreSql -Server $Server -Port $Port -Database postgres -Credential (New-TestCredential oms $Password) -Confirm:$false
            """, new Hashtable { ["Name"] = name, ["Server"] = TestPostgres.Server.Host, ["Port"] = TestPostgres.Server.Port, ["Password"] = TestServers.Password });
        return name;
    }

    [Fact]
    public void TestOmsDataSourceChecksAPostgreSqlServerForEveryRole()
    {
        var name = Register();
        var checks = ps.Run("param($Name) Test-OmsDataSource $Name -Role Source,Target,IncrementalSource", new Hashtable { ["Name"] = name });
        Assert.Contains(checks, c => c.Text("Check") == "WalLevel" && c.Text("Status") == "Pass");
        Assert.Contains(checks, c => c.Text("Check") == "ReplicationPrivileges" && c.Text("Status") == "Pass");
        Assert.Contains(checks, c => c.Text("Check") == "TargetPrivileges" && c.Text("Status") == "Pass");
        Assert.DoesNotContain(checks, c => c.Text("Status") == "Fail");
        Assert.All(checks, c => Assert.Equal(name, c.Text("Source")));
        ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
    }
}
