using System.Collections;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

[Collection(PowerShellCollection.Name)]
public sealed class DataSourceCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    private const string NewSource = """
        param($Name, $Server, $Port, $Password)
        New-OmsDataSource -Name $Name -Type MariaDb -Server $Server -Port $Port -Credential (New-TestCredential oms $Password) -Confirm:$false
        """;

    private string Register(ServerAddress server, string? password = null, int? port = null)
    {
        var name = PowerShellSession.Unique("ds");
        ps.Run(NewSource, new Hashtable { ["Name"] = name, ["Server"] = server.Host, ["Port"] = port ?? server.Port, ["Password"] = password ?? TestServers.Password });
        return name;
    }

    [Fact]
    public void NewGetSetRemove()
    {
        var name = PowerShellSession.Unique("ds");
        var created = ps.Run("param($Name) New-OmsDataSource $Name -Type PostgreSql -Server db.example -Credential (New-TestCredential app pw) -Database shop",
            new Hashtable { ["Name"] = name }).Single();
        Assert.Equal(name, created.Text("Name"));
        Assert.Equal("PostgreSql", created.Text("Type"));
        Assert.Equal(5432, created.Prop("Port"));
        Assert.Equal("app", created.Text("User"));
        Assert.Equal("shop", created.Text("Database"));
        Assert.Null(created.Properties["Password"]);

        var listed = ps.Run("param($Prefix) Get-OmsDataSource -Name \"$Prefix*\"", new Hashtable { ["Prefix"] = name[..10] });
        Assert.Contains(listed, o => o.Text("Name") == name);

        var changed = ps.Run("param($Name) Get-OmsDataSource $Name | Set-OmsDataSource -Server 10.0.0.9 -Port 6543 -Database '' -PassThru -Confirm:$false",
            new Hashtable { ["Name"] = name }).Single();
        Assert.Equal("10.0.0.9", changed.Text("Server"));
        Assert.Equal(6543, changed.Prop("Port"));
        Assert.Null(changed.Prop("Database"));

        ps.Run("param($Name) Get-OmsDataSource $Name | Remove-OmsDataSource -Confirm:$false", new Hashtable { ["Name"] = name });
        var gone = ps.Invoke("param($Name) Get-OmsDataSource $Name", new Hashtable { ["Name"] = name });
        Assert.Empty(gone.Output);
        Assert.Equal(["DataSourceNotFound"], gone.ErrorIds);
        Assert.Equal("ObjectNotFound", gone.Errors[0].CategoryInfo.Category.ToString());
    }

    [Fact]
    public void DefaultPortsFollowTheType()
    {
        foreach (var (type, port) in new[] { ("MySql", 3306), ("MariaDb", 3306), ("OceanBaseMySql", 2881), ("TiDb", 4000), ("PostgreSql", 5432) })
        {
            var name = PowerShellSession.Unique("ds");
            var o = ps.Run("param($Name, $Type) New-OmsDataSource $Name -Type $Type -Server h -Credential (New-TestCredential u p)",
                new Hashtable { ["Name"] = name, ["Type"] = type }).Single();
            Assert.Equal(port, o.Prop("Port"));
            ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
        }
    }

    [Fact]
    public void DuplicateAndUnknownNamesAreErrors()
    {
        var name = Register(TestServers.MariaDbA);
        var again = ps.Invoke(NewSource, new Hashtable { ["Name"] = name, ["Server"] = "h", ["Port"] = 1, ["Password"] = "x" });
        Assert.Equal(["DataSourceExists"], again.ErrorIds);
        Assert.Equal("ResourceExists", again.Errors[0].CategoryInfo.Category.ToString());

        var unknown = ps.Invoke("Set-OmsDataSource no-such-source -Server x -Confirm:$false; Remove-OmsDataSource no-such-source -Confirm:$false; Test-OmsDataSource no-such-source");
        Assert.Equal(["DataSourceNotFound", "DataSourceNotFound", "DataSourceNotFound"], unknown.ErrorIds);
        Assert.All(unknown.Errors, e => Assert.Equal("no-such-source", e.TargetObject));

        var wildcard = ps.Invoke("New-OmsDataSource 'a*b' -Type MySql -Server h -Credential (New-TestCredential u p)");
        Assert.Equal(["InvalidDataSourceName"], wildcard.ErrorIds);
        ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
    }

    [Fact]
    public void PasswordIsNotStoredInClear()
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var name = Register(TestServers.MariaDbA, password);
        var needle = System.Text.Encoding.UTF8.GetBytes(password);
        var files = Directory.GetFiles(ps.Home, "state.db*");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            Assert.True(memory.ToArray().AsSpan().IndexOf(needle) < 0, $"The password appears in {file}.");
        }
        ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
    }

    [Fact]
    public void TestPassesAgainstARealServer()
    {
        var name = Register(TestServers.MariaDbA);
        var checks = ps.Run("param($Name) Test-OmsDataSource $Name -Role Source,Target,IncrementalSource", new Hashtable { ["Name"] = name });
        Assert.Contains(checks, c => c.Text("Check") == "Connectivity" && c.Text("Status") == "Pass");
        Assert.Contains(checks, c => c.Text("Check") == "Version" && c.Text("Status") == "Pass");
        Assert.Contains(checks, c => c.Text("Check") == "Binlog" && c.Text("Status") == "Pass");
        Assert.DoesNotContain(checks, c => c.Text("Status") == "Fail");
        Assert.All(checks, c => Assert.Equal(name, c.Text("Source")));
        ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
    }

    [Fact]
    public void WrongPasswordIsAnAuthenticationFailure()
    {
        var name = Register(TestServers.MariaDbA, password: "not-the-password");
        var result = ps.Invoke("param($Name) Test-OmsDataSource $Name", new Hashtable { ["Name"] = name });
        var check = Assert.Single(result.Output);
        Assert.Equal("Connectivity", check.Text("Check"));
        Assert.Equal("Fail", check.Text("Status"));
        Assert.Equal(["AuthenticationFailed"], result.ErrorIds);
        Assert.Equal("AuthenticationError", result.Errors[0].CategoryInfo.Category.ToString());
        Assert.Contains("Set-OmsDataSource", result.Errors[0].Exception.Message);
        ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
    }

    [Fact]
    public void UnreachablePortIsAConnectionFailure()
    {
        var name = Register(new ServerAddress("127.0.0.1", 1));
        var result = ps.Invoke("param($Name) Test-OmsDataSource $Name", new Hashtable { ["Name"] = name });
        Assert.Equal("Fail", Assert.Single(result.Output).Text("Status"));
        Assert.Equal(["ConnectionFailed"], result.ErrorIds);
        Assert.Equal("ConnectionError", result.Errors[0].CategoryInfo.Category.ToString());
        ps.Run("param($Name) Remove-OmsDataSource $Name -Confirm:$false", new Hashtable { ["Name"] = name });
    }

    [Fact]
    public void RemoveRefusesWhileATaskUsesIt()
    {
        var source = Register(TestServers.MariaDbA);
        var target = Register(TestServers.MariaDbB);
        var task = PowerShellSession.Unique("t");
        ps.Run("param($T, $S, $G) New-OmsTask $T -Source $S -Target $G -Include 'shop.*' -MigrationType Schema,Full",
            new Hashtable { ["T"] = task, ["S"] = source, ["G"] = target });
        var refused = ps.Invoke("param($S) Remove-OmsDataSource $S -Confirm:$false", new Hashtable { ["S"] = source });
        Assert.Equal(["DataSourceInUse"], refused.ErrorIds);
        Assert.Contains(task, refused.Errors[0].Exception.Message);
        Assert.Single(ps.Run("param($S) Get-OmsDataSource $S", new Hashtable { ["S"] = source }));

        ps.Run("param($T, $S, $G) Remove-OmsTask $T -Confirm:$false; Remove-OmsDataSource $S, $G -Confirm:$false",
            new Hashtable { ["T"] = task, ["S"] = source, ["G"] = target });
    }
}
