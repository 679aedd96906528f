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

    [Fact]
    public void RemoveOmsTaskDropsTheReplicationSlotAndPublication()
    {
        var source = Register();
        var target = PowerShellSession.Unique("my");
        ps.Run("param($Name, $Server, $Port) New-OmsDataSource $Name -Type MariaDb -Server $Server -Port $Port -Credential (New-TestCredential oms x)",
            new Hashtable { ["Name"] = target, ["Server"] = TestServers.MariaDbB.Host, ["Port"] = TestServers.MariaDbB.Port });
        var task = PowerShellSession.Unique("t");
        ps.Run("param($T, $S, $G) New-OmsTask $T -Source $S -Target $G -Include 'public.*' -MigrationType Full,Incremental",
            new Hashtable { ["T"] = task, ["S"] = source, ["G"] = target });
        var stored = (Engine.Model.MigrationTask)ps.Run("param($T) [OmsSync.Engine.Runtime.OmsService]::Open().Tasks.Get($T)", new Hashtable { ["T"] = task }).Single().BaseObject;
        var name = Engine.Sources.Postgres.ReplicationObjects.Name(stored, Engine.Model.Direction.Forward);
        TestPostgres.ExecuteAsync($"CREATE PUBLICATION {name}").GetAwaiter().GetResult();
        TestPostgres.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{name}', 'pgoutput')").GetAwaiter().GetResult();

        var what = ps.Invoke("param($T) Remove-OmsTask $T -WhatIf", new Hashtable { ["T"] = task });
        Assert.Empty(what.Errors);
        Assert.Equal(1L, TestPostgres.ScalarAsync($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{name}'").GetAwaiter().GetResult());

        ps.Run("param($T) Remove-OmsTask $T -Confirm:$false", new Hashtable { ["T"] = task });
        Assert.Equal(0L, TestPostgres.ScalarAsync($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{name}'").GetAwaiter().GetResult());
        Assert.Equal(0L, TestPostgres.ScalarAsync($"SELECT count(*) FROM pg_publication WHERE pubname = '{name}'").GetAwaiter().GetResult());
        Assert.Empty(ps.Invoke("param($T) Get-OmsTask $T", new Hashtable { ["T"] = task }).Output);
        ps.Run("param($S, $G) Remove-OmsDataSource $S, $G -Confirm:$false", new Hashtable { ["S"] = source, ["G"] = target });
    }

    [Fact]
    public async Task StartOmsForwardMigratesMariaDbIntoPostgreSqlAfterAPassingPreCheck()
    {
        var db = TestServers.UniqueName("pstopg");
        await TestServers.ExecuteAsync(TestServers.MariaDbA,
            $"CREATE DATABASE `{db}`; CREATE TABLE `{db}`.items (id INT PRIMARY KEY, label VARCHAR(20)); USE `{db}`; INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_3000;");
        var source = PowerShellSession.Unique("my");
        ps.Run("param($Name, $Server, $Port, $Password) New-OmsDataSource $Name -Type MariaDb -Server $Server -Port $Port -Credential (New-TestCredential oms $Password)",
            new Hashtable { ["Name"] = source, ["Server"] = TestServers.MariaDbA.Host, ["Port"] = TestServers.MariaDbA.Port, ["Password"] = TestServers.Password });
        var target = Register();
        var task = PowerShellSession.Unique("t");
        try
        {
            ps.Run("param($T, $S, $G, $Db) New-OmsTask $T -Source $S -Target $G -Include \"$Db.*\" -MigrationType Schema,Full",
                new Hashtable { ["T"] = task, ["S"] = source, ["G"] = target, ["Db"] = db });
            var checks = ps.Run("param($T) Test-OmsTask $T", new Hashtable { ["T"] = task });
            Assert.DoesNotContain(checks, c => c.Text("Status") == "Fail");
            Assert.Contains(checks, c => c.Text("Check") == "Objects" && c.Text("Status") == "Pass");

            var result = ps.Invoke("param($T) Start-OmsForward $T -Wait -Confirm:$false", new Hashtable { ["T"] = task });
            Assert.Empty(result.Errors);
            Assert.Equal("Completed", Assert.Single(result.Output).Text("Status"));
            Assert.Equal(3000L, await TestPostgres.ScalarAsync($"SELECT count(*) FROM {TestPostgres.Quote(db)}.items"));
        }
        finally
        {
            ps.Run("param($T, $S, $G) Remove-OmsTask $T -Confirm:$false; Remove-OmsDataSource $S, $G -Confirm:$false",
                new Hashtable { ["T"] = task, ["S"] = source, ["G"] = target });
            await TestServers.ExecuteAsync(TestServers.MariaDbA, $"DROP DATABASE `{db}`");
            await TestPostgres.ExecuteAsync($"DROP SCHEMA IF EXISTS {TestPostgres.Quote(db)} CASCADE");
        }
    }
}
