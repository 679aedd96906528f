using System.Collections;
using System.Management.Automation;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>Start-OmsVerification, Get-OmsVerificationResult, Repair-OmsDifference and Stop-OmsVerification through the hosted engine.</summary>
[Collection(PowerShellCollection.Name)]
public sealed class VerificationCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    /// <summary>A source database with two tables, migrated (Schema, Full, Verify) by a task between two fresh data sources.</summary>
    private async Task<(string Task, string Db, string TargetDb, string Source, string Target)> MigrateAsync()
    {
        var db = TestServers.UniqueName("pv");
        var targetDb = db + "_t";
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"""
            CREATE DATABASE `{db}`;
            CREATE TABLE `{db}`.items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(8,2));
            INSERT INTO `{db}`.items SELECT seq, CONCAT('item ', seq), seq / 4 FROM `{db}`.seq_1_to_3000;
            CREATE TABLE `{db}`.tags (tag VARCHAR(10), n INT);
            INSERT INTO `{db}`.tags SELECT IF(seq % 2 = 0, 'even', 'odd'), seq % 5 FROM `{db}`.seq_1_to_200;
            """);
        var (task, source, target) = (PowerShellSession.Unique("vtask"), PowerShellSession.Unique("vsrc"), PowerShellSession.Unique("vdst"));
        ps.Run($$"""
            param($T, $S, $G, $SH, $SP, $GH, $GP, $Db, $TargetDb)
            $c = New-TestCredential oms '{{TestServers.Password}}'
            $null = New-OmsDataSource $S -Type MariaDb -Server $SH -Port $SP -Credential $c
            $null = New-OmsDataSource $G -Type MariaDb -Server $GH -Port $GP -Credential $c
            $null = New-OmsTask $T -Source $S -Target $G -Include "$Db.*" -Rename @{ $Db = $TargetDb } -MigrationType Schema,Full,Verify
            """, new Hashtable
        {
            ["T"] = task, ["S"] = source, ["G"] = target, ["Db"] = db, ["TargetDb"] = targetDb,
            ["SH"] = TestServers.MariaDbA.Host, ["SP"] = TestServers.MariaDbA.Port,
            ["GH"] = TestServers.MariaDbB.Host, ["GP"] = TestServers.MariaDbB.Port,
        });
        var migrated = ps.Run("param($T) Start-OmsForward $T -Wait -Confirm:$false", new Hashtable { ["T"] = task }).Single();
        Assert.Equal("Completed", migrated.Text("Status"));
        return (task, db, targetDb, source, target);
    }

    private async Task CleanupAsync((string Task, string Db, string TargetDb, string Source, string Target) t)
    {
        ps.Run("param($T, $S, $G) Remove-OmsTask $T -Force -Confirm:$false; Remove-OmsDataSource $S, $G -Confirm:$false",
            new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target });
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"DROP DATABASE IF EXISTS `{t.Db}`");
        await TestServers.ExecuteAsync(TestServers.MariaDbB, $"DROP DATABASE IF EXISTS `{t.TargetDb}`");
    }

    private IReadOnlyList<PSObject> VerifyAndWait(string task)
    {
        var result = ps.Invoke("param($T) Start-OmsVerification $T -Wait -Confirm:$false", new Hashtable { ["T"] = task });
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);
        return result.Output;
    }

    private static long Differences(IEnumerable<PSObject> results) => results.Sum(r => Convert.ToInt64(r.Prop("Differences")));

    [Fact]
    public async Task TheVerifyPhaseThenAJobFindsDifferencesAndThePipelineRepairsThem()
    {
        var t = await MigrateAsync();
        // The task's Verify phase ran after the copy and found both tables equal.
        var phase = ps.Run("param($T) Get-OmsVerificationResult $T", new Hashtable { ["T"] = t.Task });
        Assert.Equal([$"{t.Db}.items", $"{t.Db}.tags"], phase.Select(r => r.Text("SourceTable")));
        Assert.All(phase, r => Assert.Equal("Completed", r.Text("Status")));
        Assert.Equal(0, Differences(phase));
        Assert.Equal(3000L, phase[0].Prop("SourceRows"));

        await TestServers.ExecuteAsync(TestServers.MariaDbB, """
            DELETE FROM items WHERE id IN (10, 11);
            UPDATE items SET name = 'ITEM 12' WHERE id = 12;
            INSERT INTO items VALUES (9999, 'stray', 1);
            INSERT INTO tags VALUES ('odd', 1);
            """, t.TargetDb);
        var job = ps.Run("param($T) Start-OmsVerification -Name $T -Confirm:$false", new Hashtable { ["T"] = t.Task }).Single();
        Assert.Equal("OmsSync.PowerShell.Jobs.OmsWorkerJob", job.BaseObject.GetType().FullName);
        var received = ps.Run("param($J) $null = Wait-Job $J -Timeout 120; $J.JobStateInfo.State; Receive-Job $J", new Hashtable { ["J"] = job });
        Assert.Equal("Completed", received[0].ToString());
        var items = received.Skip(1).Single(r => r.Text("SourceTable") == $"{t.Db}.items");
        Assert.Equal((2L, 1L, 1L), ((long)items.Prop("MissingOnTarget")!, (long)items.Prop("ExtraOnTarget")!, (long)items.Prop("Different")!));
        Assert.Equal($"{t.TargetDb}.items", items.Text("TargetTable"));

        var details = ps.Run("param($T) Get-OmsVerificationResult $T -Detail", new Hashtable { ["T"] = t.Task });
        Assert.Equal(5, details.Count);
        var different = details.Single(d => d.Text("Kind") == "Different");
        Assert.Equal($"{t.TargetDb}.items", different.Text("Table"));
        Assert.Equal("{\"id\":\"12\"}", different.Text("Key"));
        Assert.Contains("item 12", different.Text("SourceRow"));
        Assert.Contains("ITEM 12", different.Text("TargetRow"));
        Assert.Single(ps.Run("param($T) Get-OmsVerificationResult $T -Detail -Table '*.tags'", new Hashtable { ["T"] = t.Task }));

        var repaired = ps.Run("param($T) Get-OmsVerificationResult $T -Detail | Repair-OmsDifference -Confirm:$false -PassThru", new Hashtable { ["T"] = t.Task });
        Assert.Equal(5, repaired.Count);
        Assert.All(repaired, r => Assert.NotNull(r.Prop("Repaired")));
        Assert.Empty(ps.Run("param($T) Get-OmsVerificationResult $T -Detail", new Hashtable { ["T"] = t.Task }));
        Assert.Equal(0, Differences(VerifyAndWait(t.Task)));
        await CleanupAsync(t);
    }

    [Fact]
    public async Task RepairScriptWritesTheCorrectionInsteadOfRunningIt()
    {
        var t = await MigrateAsync();
        await TestServers.ExecuteAsync(TestServers.MariaDbB, "DELETE FROM items WHERE id = 3; UPDATE items SET price = 0 WHERE id = 4; INSERT INTO items VALUES (5000, 'x''y', NULL);", t.TargetDb);
        Assert.Equal(3, Differences(VerifyAndWait(t.Task)));
        var path = Path.Combine(ps.Home, $"fix-{Guid.NewGuid():N}.sql");
        ps.Run("param($T, $P) $T | Repair-OmsDifference -Script $P -Confirm:$false", new Hashtable { ["T"] = t.Task, ["P"] = path });
        var script = await File.ReadAllTextAsync(path);
        Assert.Contains($"REPLACE INTO `{t.TargetDb}`.`items`", script);
        Assert.Contains($"DELETE FROM `{t.TargetDb}`.`items` WHERE", script);
        // Nothing ran: the differences are still there, and still open.
        Assert.Equal(3, ps.Run("param($T) Get-OmsVerificationResult $T -Detail", new Hashtable { ["T"] = t.Task }).Count);
        await TestServers.ExecuteAsync(TestServers.MariaDbB, script);
        Assert.Equal(0, Differences(VerifyAndWait(t.Task)));
        await CleanupAsync(t);
    }

    [Fact]
    public async Task IncrementalVerificationRunsUntilStopped()
    {
        var t = await MigrateAsync();
        var job = ps.Run("param($T) Start-OmsVerification $T -Mode Incremental -Include '*.items' -Confirm:$false", new Hashtable { ["T"] = t.Task }).Single();
        await EngineHarness.WaitUntilAsync(() => ps.Run("param($T) Get-OmsVerificationResult $T -Table '*.items'", new Hashtable { ["T"] = t.Task })
            .Single().Text("Mode") == "Incremental", TimeSpan.FromSeconds(20), "the run to start");
        await Task.Delay(2000); // its binlog reader is positioned
        await TestServers.ExecuteAsync(TestServers.MariaDbA, "UPDATE items SET price = 99 WHERE id = 7", t.Db);
        await EngineHarness.WaitUntilAsync(() => ps.Run("param($T) Get-OmsVerificationResult $T -Detail", new Hashtable { ["T"] = t.Task }).Count == 1,
            TimeSpan.FromSeconds(30), "the changed row to be reported");
        Assert.Equal("Running", ps.Run("param($J) $J.JobStateInfo.State", new Hashtable { ["J"] = job })[0].ToString());

        var stopped = ps.Run("param($T) Stop-OmsVerification $T -PassThru -Confirm:$false", new Hashtable { ["T"] = t.Task });
        var items = stopped.Single();
        Assert.Equal("Stopped", items.Text("Status"));
        Assert.Equal("Incremental", items.Text("Mode"));
        Assert.Equal(1L, items.Prop("Different"));
        await EngineHarness.WaitUntilAsync(() => ps.Run("param($J) $J.JobStateInfo.State", new Hashtable { ["J"] = job })[0].ToString() == "Stopped",
            TimeSpan.FromSeconds(10), "the job to stop");
        var again = ps.Invoke("param($T) Stop-OmsVerification $T -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Single(again.Warnings);
        await CleanupAsync(t);
    }

    [Fact]
    public async Task BadRequestsAreRefusedWithClearErrors()
    {
        var t = await MigrateAsync();
        var since = ps.Invoke("param($T) Start-OmsVerification $T -Since ([datetime]::Now) -Wait -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["InvalidSince"], since.ErrorIds);
        var pattern = ps.Invoke("param($T) Start-OmsVerification $T -Include 'a.b.c' -Wait -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["InvalidIncludePattern"], pattern.ErrorIds);
        var none = ps.Invoke("param($T) Start-OmsVerification $T -Include 'nothing.here' -Wait -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["VerificationFailed"], none.ErrorIds);
        Assert.Contains("matches none", none.Errors[0].ToString());
        var missing = ps.Invoke("""
            Start-OmsVerification no-such-task -Wait -Confirm:$false
            Get-OmsVerificationResult no-such-task
            Repair-OmsDifference no-such-task -Confirm:$false
            Stop-OmsVerification no-such-task -Confirm:$false
            """);
        Assert.Equal(Enumerable.Repeat("TaskNotFound", 4), missing.ErrorIds);
        await CleanupAsync(t);
    }
}
