using System.Collections;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>
/// A task that cannot read its source fails naming the source, before it creates anything on the target, even with
/// -SkipPreCheck; and a server whose host name does not resolve is said to be so.
/// </summary>
[Collection(PowerShellCollection.Name)]
public sealed class SourceFirstTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    [Fact]
    public async Task AFilterOnAMissingColumnFailsNamingTheSourceAndCreatesNothingOnTheTarget()
    {
        var db = TestServers.UniqueName("srcfirst");
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"""
            CREATE DATABASE `{db}`;
            CREATE TABLE `{db}`.a (id INT PRIMARY KEY); CREATE TABLE `{db}`.b (id INT PRIMARY KEY); CREATE TABLE `{db}`.c (id INT PRIMARY KEY);
            INSERT INTO `{db}`.a VALUES (1);
            """);
        var t = CmdletTask.Create(ps, $"{db}.*", $"-Rename @{{ '{db}' = '{db}_t' }} -MigrationType Schema,Full -RowFilter @{{ '{db}.a' = 'no_such_column > 1' }}");
        try
        {
            t.Invoke("Start-OmsForward $T -Wait -SkipPreCheck -Confirm:$false");
            var state = t.State();
            Assert.Equal("Failed", state.Text("Status"));
            Assert.Contains($"data source '{t.Source}'", state.Text("Message"));
            Assert.Contains("no_such_column", state.Text("Message"));
            Assert.DoesNotContain($"'{t.Target}'", state.Text("Message"));
            Assert.Null(await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{db}_t'"));
        }
        finally
        {
            await t.RemoveAsync(db, db + "_t");
        }
    }

    [Fact]
    public async Task ASourceWithoutBinlogFailsAnIncrementalTaskBeforeItsSchemaIsMade()
    {
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("nobinlog", 721, binlog: false);
        await TestServers.ExecuteAsync(source, "CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY); INSERT INTO app.t VALUES (1);");
        var targetDb = TestServers.UniqueName("nobinlog");
        var t = CmdletTask.Create(ps, "app.*", $"-Rename @{{ app = '{targetDb}' }} -MigrationType Schema,Full,Incremental", source: source);
        try
        {
            t.Invoke("Start-OmsForward $T -SkipPreCheck -Confirm:$false");
            var state = t.WaitFor("the task to fail", s => s.Text("Status") == "Failed", seconds: 60);
            Assert.Contains($"data source '{t.Source}'", state.Text("Message"));
            Assert.Contains("log_bin", state.Text("Message"));
            Assert.Null(await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{targetDb}'"));
        }
        finally
        {
            await t.RemoveAsync(null, targetDb);
        }
    }

    [Fact]
    public void AHostNameThatDoesNotResolveIsSaidToBeSo()
    {
        // A name the resolver refuses on this host without asking any server (tests reach nothing but loopback).
        var name = PowerShellSession.Unique("dns");
        ps.Run("param($N) $null = New-OmsDataSource $N -Type MariaDb -Server 'no!such-host.invalid' -Credential (New-TestCredential oms x)",
            new Hashtable { ["N"] = name });
        try
        {
            var tested = ps.Invoke("param($N) Test-OmsDataSource $N", new Hashtable { ["N"] = name });
            Assert.Equal(["ConnectionFailed"], tested.ErrorIds);
            Assert.Contains("the host name 'no!such-host.invalid' does not resolve", tested.Errors[0].Exception.Message);
        }
        finally
        {
            ps.Run("param($N) Remove-OmsDataSource $N -Confirm:$false", new Hashtable { ["N"] = name });
        }
    }
}
