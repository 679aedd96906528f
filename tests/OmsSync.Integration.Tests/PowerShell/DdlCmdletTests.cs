using System.Collections;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>The DDL synchronization options and cmdlets in the hosted PowerShell engine, on the test servers.</summary>
[Collection(PowerShellCollection.Name)]
public sealed class DdlCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    private (string Task, string Source, string Target) CreateSources()
    {
        var t = (Task: PowerShellSession.Unique("ddl"), Source: PowerShellSession.Unique("src"), Target: PowerShellSession.Unique("dst"));
        ps.Run($$"""
            param($S, $G, $SH, $SP, $GH, $GP)
            $c = New-TestCredential oms '{{TestServers.Password}}'
            $null = New-OmsDataSource $S -Type MariaDb -Server $SH -Port $SP -Credential $c
            $null = New-OmsDataSource $G -Type MariaDb -Server $GH -Port $GP -Credential $c
            """, new Hashtable
        {
            ["S"] = t.Source, ["G"] = t.Target,
            ["SH"] = TestServers.MariaDbA.Host, ["SP"] = TestServers.MariaDbA.Port,
            ["GH"] = TestServers.MariaDbB.Host, ["GP"] = TestServers.MariaDbB.Port,
        });
        return t;
    }

    private void Cleanup((string Task, string Source, string Target) t) =>
        ps.Run("param($T, $S, $G) Remove-OmsTask $T -Force -Confirm:$false -ErrorAction SilentlyContinue; Remove-OmsDataSource $S, $G -Confirm:$false",
            new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target });

    [Fact]
    public void DdlOptionsAreCheckedStoredAndChanged()
    {
        var t = CreateSources();
        var p = new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target };
        try
        {
            var result = ps.Invoke("param($T, $S, $G) New-OmsTask $T -Source $S -Target $G -Include 'a.*' -MigrationType Schema,Full -IncrementalDdl", p);
            Assert.Equal(["InvalidIncrementalDdl"], result.ErrorIds);
            result = ps.Invoke("param($T, $S, $G) New-OmsTask $T -Source $S -Target $G -Include 'a.*' -MigrationType Full,Incremental -OnlineDdlTool GhOst", p);
            Assert.Equal(["InvalidOnlineDdlTool"], result.ErrorIds);

            var task = Assert.Single(ps.Run("param($T, $S, $G) New-OmsTask $T -Source $S -Target $G -Include 'a.*' -MigrationType Full,Incremental -IncrementalDdl -OnlineDdlTool PtOsc", p));
            Assert.Equal(true, task.Prop("IncrementalDdl"));
            Assert.Equal("PtOsc", task.Text("OnlineDdlTool"));
            result = ps.Invoke("param($T) Set-OmsTask $T -IncrementalDdl:$false", p);
            Assert.Equal(["InvalidOnlineDdlTool"], result.ErrorIds);
            task = Assert.Single(ps.Run("param($T) Set-OmsTask $T -IncrementalDdl:$false -OnlineDdlTool None -PassThru", p));
            Assert.Equal(false, task.Prop("IncrementalDdl"));
            Assert.Equal("None", task.Text("OnlineDdlTool"));

            Assert.Equal(["NoPausedDdl"], ps.Invoke("param($T) Skip-OmsDdl $T -Confirm:$false", p).ErrorIds);
            Assert.Empty(ps.Run("param($T) Get-OmsDdl $T", p));
        }
        finally
        {
            Cleanup(t);
        }
    }

    [Fact]
    public async Task APausedDdlIsShownAndSkippedWithShouldProcess()
    {
        var t = CreateSources();
        var db = TestServers.UniqueName("psddl");
        var target = db + "_t";
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"CREATE DATABASE `{db}`; CREATE TABLE `{db}`.t (id INT PRIMARY KEY, v INT); INSERT INTO `{db}`.t VALUES (1, 1)");
        var p = new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target, ["I"] = $"{db}.*", ["R"] = new Hashtable { [db] = target } };
        try
        {
            ps.Run("param($T, $S, $G, $I, $R) $null = New-OmsTask $T -Source $S -Target $G -Include $I -Rename $R -MigrationType Schema,Full,Incremental", p);
            ps.Run("param($T) Start-OmsForward $T -Wait", p);
            WaitForStatus(t.Task, "Running", "Incremental");
            await TestServers.ExecuteAsync(TestServers.MariaDbA, "ALTER TABLE t ADD COLUMN c INT; INSERT INTO t VALUES (2, 2, 2)", db);
            var paused = WaitForStatus(t.Task, "Suspended", "Incremental");
            Assert.Contains("ADD COLUMN c", paused.Text("Message"));
            Assert.Contains("Skip-OmsDdl", paused.Text("Message"));

            ps.Run("param($T) Skip-OmsDdl $T -WhatIf", p);
            Assert.Equal("Paused", Assert.Single(ps.Run("param($T) Get-OmsDdl $T", p)).Text("Outcome"));

            await TestServers.ExecuteAsync(TestServers.MariaDbB, "ALTER TABLE t ADD COLUMN c INT", target);
            var skipped = Assert.Single(ps.Run("param($T) Get-OmsTask $T | Skip-OmsDdl -Confirm:$false -PassThru", p));
            Assert.Equal("Skipped", skipped.Text("Outcome"));
            Assert.Contains("ADD COLUMN c", skipped.Text("Statement"));
            WaitForStatus(t.Task, "Running", "Incremental");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Convert.ToInt64(await TestServers.ScalarAsync(TestServers.MariaDbB, "SELECT COUNT(*) FROM t WHERE c = 2", target)) != 1)
            {
                Assert.True(DateTime.UtcNow < deadline, "the row after the skipped DDL did not arrive");
                await Task.Delay(200);
            }
            Assert.Single(ps.Run("param($T) Get-OmsDdl -Name $T -Outcome Skipped", p));
        }
        finally
        {
            Cleanup(t);
            await TestServers.ExecuteAsync(TestServers.MariaDbA, $"DROP DATABASE IF EXISTS `{db}`");
            await TestServers.ExecuteAsync(TestServers.MariaDbB, $"DROP DATABASE IF EXISTS `{target}`");
        }
    }

    private System.Management.Automation.PSObject WaitForStatus(string task, string status, string phase)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var state = ps.Run("param($T) Get-OmsTask $T | Where-Object Direction -eq Forward", new Hashtable { ["T"] = task }).Single();
            if (state.Text("Status") == status && state.Text("Phase") == phase) return state;
            if (state.Text("Status") == "Failed" || DateTime.UtcNow > deadline)
                Assert.Fail($"{task}: {state.Text("Status")} {state.Text("Phase")} {state.Text("Message")}");
            Thread.Sleep(200);
        }
    }
}
