using System.Collections;
using System.Management.Automation;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

[Collection(PowerShellCollection.Name)]
public sealed class TaskCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    /// <summary>Two data sources on the test servers and a task between them; removed again by <see cref="Cleanup"/>.</summary>
    private (string Task, string Source, string Target) CreateTask(string options = "", string include = "shop.*", string types = "Schema,Full")
    {
        var source = PowerShellSession.Unique("src");
        var target = PowerShellSession.Unique("dst");
        var task = PowerShellSession.Unique("task");
        ps.Run($$"""
            param($T, $S, $G, $SH, $SP, $GH, $GP)
            $c = New-TestCredential oms '{{TestServers.Password}}'
            $null = New-OmsDataSource $S -Type MariaDb -Server $SH -Port $SP -Credential $c
            $null = New-OmsDataSource $G -Type MariaDb -Server $GH -Port $GP -Credential $c
            $null = New-OmsTask $T -Source $S -Target $G -Include '{{include}}' -MigrationType {{types}} {{options}}
            """, new Hashtable
        {
            ["T"] = task, ["S"] = source, ["G"] = target,
            ["SH"] = TestServers.MariaDbA.Host, ["SP"] = TestServers.MariaDbA.Port,
            ["GH"] = TestServers.MariaDbB.Host, ["GP"] = TestServers.MariaDbB.Port,
        });
        return (task, source, target);
    }

    private void Cleanup((string Task, string Source, string Target) t) =>
        ps.Run("param($T, $S, $G) Remove-OmsTask $T -Force -Confirm:$false; Remove-OmsDataSource $S, $G -Confirm:$false",
            new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target });

    [Fact]
    public void NewTaskStoresEveryOption()
    {
        var t = CreateTask("-Exclude 'shop.tmp_*' -Label a,b -RowsPerSecond 100 -WriteConcurrency 3 -AutoRestart $false");
        var stored = ps.Run("param($T) [OmsSync.Engine.Runtime.OmsService]::Open().Tasks.Get($T)", new Hashtable { ["T"] = t.Task }).Single();
        Assert.Equal(false, stored.Prop("AutoRestart"));
        Assert.Equal(3, stored.Prop("WriteConcurrency"));
        Assert.Equal(100L, stored.Prop("RowsPerSecond"));
        var task = Assert.Single(ps.Run("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }));
        Assert.Equal(t.Source, task.Text("Source"));
        Assert.Equal(t.Target, task.Text("Target"));
        Assert.Equal("Created", task.Text("Status"));
        Assert.Equal("Forward", task.Text("Direction"));
        Assert.Equal(new[] { "a", "b" }, (string[])task.Prop("Labels")!);
        Assert.Empty((Array)task.Prop("Tables")!);

        Assert.Single(ps.Run("param($T) Get-OmsTask -Label b | Where-Object Name -eq $T", new Hashtable { ["T"] = t.Task }));
        Assert.Empty(ps.Run("param($T) Get-OmsTask -Label zzz | Where-Object Name -eq $T", new Hashtable { ["T"] = t.Task }));
        Cleanup(t);
    }

    [Theory]
    [InlineData("-Name 'has space'", "InvalidTaskName", "Name")]
    [InlineData("-Name ('x' * 65)", "InvalidTaskName", "Name")]
    [InlineData("-Name ''", "InvalidTaskName", "Name")]
    [InlineData("-Source no-such-source", "DataSourceNotFound", "Source")]
    [InlineData("-Target $S", "SameSourceAndTarget", "Target")]
    [InlineData("-Include 'noschema'", "InvalidIncludePattern", "Include")]
    [InlineData("-Include @()", "InvalidIncludePattern", "Include")]
    [InlineData("-Rename @{ 'a.b.c' = 'x' }", "InvalidRenameKey", "Rename")]
    [InlineData("-Rename @{ 'shop' = 'a.b' }", "InvalidRenameValue", "Rename")]
    [InlineData("-RowFilter @{ 'shop' = 'id > 1' }", "InvalidRowFilterKey", "RowFilter")]
    [InlineData("-RowFilter @{ 'shop.t' = ' ' }", "InvalidRowFilterValue", "RowFilter")]
    [InlineData("-Column @{ 'shop' = 'id' }", "InvalidColumnKey", "Column")]
    [InlineData("-Column @{ 'shop.t' = @() }", "InvalidColumnValue", "Column")]
    [InlineData("-Column @{}", "InvalidColumnValue", "Column")]
    [InlineData("-ReadConcurrency 0", "InvalidReadConcurrency", "ReadConcurrency")]
    [InlineData("-WriteConcurrency -1", "InvalidWriteConcurrency", "WriteConcurrency")]
    [InlineData("-RowsPerSecond -5", "InvalidRowsPerSecond", "RowsPerSecond")]
    [InlineData("-BytesPerSecond -5", "InvalidBytesPerSecond", "BytesPerSecond")]
    [InlineData("-Topology Bidirectional", "InvalidMigrationType", "MigrationType")]
    [InlineData("-StartTimestamp ([datetime]::Now)", "InvalidStartTimestamp", "StartTimestamp")]
    public void NewTaskRejectsBadOptionsBeforeStoring(string options, string errorId, string parameter)
    {
        var source = PowerShellSession.Unique("src");
        var target = PowerShellSession.Unique("dst");
        var name = PowerShellSession.Unique("task");
        ps.Run("param($S, $G) $c = New-TestCredential u p; $null = New-OmsDataSource $S -Type MySql -Server h -Credential $c; $null = New-OmsDataSource $G -Type MySql -Server h -Credential $c",
            new Hashtable { ["S"] = source, ["G"] = target });
        var script = $"param($N, $S, $G) $p = @{{ Name = $N; Source = $S; Target = $G; Include = 'shop.*'; MigrationType = 'Schema','Full' }}; New-OmsTask @p {options}";
        var result = ps.Invoke(script, new Hashtable { ["N"] = name, ["S"] = source, ["G"] = target });
        Assert.Null(result.Terminating);
        Assert.Empty(result.Output);
        Assert.Contains(errorId, result.ErrorIds);
        var error = result.Errors[result.ErrorIds.ToList().IndexOf(errorId)];
        Assert.Contains(parameter, error.Exception.Message);
        if (error.Exception is ArgumentException argument && errorId != "DataSourceNotFound")
            Assert.Equal(parameter, argument.ParamName);
        Assert.Empty(ps.Invoke("param($N) Get-OmsTask $N -ErrorAction SilentlyContinue", new Hashtable { ["N"] = name }).Output);
        ps.Run("param($S, $G) Remove-OmsDataSource $S, $G -Confirm:$false", new Hashtable { ["S"] = source, ["G"] = target });
    }

    [Fact]
    public void ColumnTakesArraysOrCommaSeparatedText()
    {
        var t = CreateTask("-Column @{ 'shop.a' = 'id', 'total'; 'shop.b' = 'id, name' }");
        Assert.Single(ps.Run("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }));
        Cleanup(t);
    }

    [Fact]
    public void UnknownTaskIsAnErrorForEveryCmdlet()
    {
        var result = ps.Invoke("""
            Get-OmsTask no-such-task
            Set-OmsTask no-such-task -RowsPerSecond 1 -Confirm:$false
            Remove-OmsTask no-such-task -Confirm:$false
            Test-OmsTask no-such-task
            Suspend-OmsTask no-such-task -Confirm:$false
            Resume-OmsTask no-such-task -Confirm:$false
            Stop-OmsTask no-such-task -Confirm:$false
            Start-OmsForward no-such-task -Confirm:$false
            """);
        Assert.Equal(Enumerable.Repeat("TaskNotFound", 8), result.ErrorIds);
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category));
        Assert.All(result.Errors, e => Assert.Equal("no-such-task", e.TargetObject));
    }

    [Fact]
    public void SetTaskChangesLimitsAndRefusesObjectsOnceRun()
    {
        var t = CreateTask();
        var changed = ps.Run("param($T) Set-OmsTask $T -RowsPerSecond 10 -Label x -Include 'shop.orders' -PassThru -Confirm:$false", new Hashtable { ["T"] = t.Task }).Single();
        Assert.Equal(new[] { "x" }, (string[])changed.Prop("Labels")!);
        Assert.Equal(new[] { "shop.orders" }, (string[])changed.Prop("Include")!);

        var bad = ps.Invoke("param($T) Set-OmsTask $T -ReadConcurrency 0 -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["InvalidReadConcurrency"], bad.ErrorIds);

        // Once stopped, the task counts as having run: its objects are fixed, its limits are not.
        ps.Run("param($T) Stop-OmsTask $T -Confirm:$false -WarningAction SilentlyContinue", new Hashtable { ["T"] = t.Task });
        var refused = ps.Invoke("param($T) Set-OmsTask $T -Include 'shop.*' -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["TaskHasRun"], refused.ErrorIds);
        ps.Run("param($T) Set-OmsTask $T -WriteConcurrency 4 -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Cleanup(t);
    }

    [Fact]
    public void PipelineBindsNameAndDirection()
    {
        var t = CreateTask();
        var suspended = ps.Invoke("param($T) Get-OmsTask $T | Stop-OmsTask -PassThru -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Empty(suspended.Errors);
        var task = Assert.Single(suspended.Output);
        Assert.Equal("Stopped", task.Text("Status"));
        Assert.Equal("Forward", task.Text("Direction"));
        Assert.Single(suspended.Warnings); // no worker was running

        var resumed = ps.Invoke("param($T) Get-OmsTask $T | Suspend-OmsTask -PassThru -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Empty(resumed.Errors);
        Assert.Equal(t.Task, Assert.Single(resumed.Output).Text("Name"));
        Cleanup(t);
    }

    [Fact]
    public void ResumeRefusesATaskThatNeverStarted()
    {
        var t = CreateTask();
        var result = ps.Invoke("param($T) Resume-OmsTask $T -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["TaskNeverStarted"], result.ErrorIds);
        Cleanup(t);
    }

    [Fact]
    public void TestTaskReturnsChecksOfBothDataSources()
    {
        var t = CreateTask();
        var checks = ps.Run("param($T) Test-OmsTask $T", new Hashtable { ["T"] = t.Task });
        Assert.Contains(checks, c => c.Text("Check") == "Connectivity" && c.Text("Target") == t.Source && c.Text("Status") == "Pass");
        Assert.Contains(checks, c => c.Text("Check") == "TargetPrivileges" && c.Text("Target") == t.Target);
        Assert.All(checks, c => Assert.Equal(t.Task, c.Text("Source")));
        Cleanup(t);
    }

    /// <summary>A source database with rows, and a task that migrates it to a renamed database on the target.</summary>
    private async Task<((string Task, string Source, string Target) T, string Db, string TargetDb)> CreateMigrationAsync()
    {
        var db = TestServers.UniqueName("psmig");
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"""
            CREATE DATABASE `{db}`;
            CREATE TABLE `{db}`.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, KEY ix_name (name));
            INSERT INTO `{db}`.items SELECT seq, CONCAT('item ', seq) FROM `{db}`.seq_1_to_5000;
            """);
        var t = CreateTask($"-Rename @{{ '{db}' = '{db}_t' }} -IndexMigration AfterFull", include: $"{db}.*");
        return (t, db, db + "_t");
    }

    private static async Task DropAsync(string db, string targetDb)
    {
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"DROP DATABASE IF EXISTS `{db}`");
        await TestServers.ExecuteAsync(TestServers.MariaDbB, $"DROP DATABASE IF EXISTS `{targetDb}`");
    }

    [Fact]
    public async Task StartOmsForwardReturnsAJobThatCompletesTheMigration()
    {
        var (t, db, targetDb) = await CreateMigrationAsync();
        var started = ps.Invoke("param($T) Get-OmsTask $T | Start-OmsForward -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Null(started.Terminating);
        Assert.Empty(started.Errors);
        var job = Assert.Single(started.Output);
        Assert.Equal("OmsSync.PowerShell.Jobs.OmsWorkerJob", job.BaseObject.GetType().FullName);
        Assert.Equal(t.Task, job.Text("Name"));
        Assert.True((int)job.Prop("WorkerPid")! > 0);

        var finished = ps.Run("param($T) $j = Get-Job -Name $T; $null = Wait-Job $j -Timeout 120; $j.JobStateInfo.State; $j.PSJobTypeName",
            new Hashtable { ["T"] = t.Task });
        Assert.Equal("Completed", finished[0].ToString());
        Assert.Equal("OmsWorkerJob", finished[1].ToString());
        var task = ps.Run("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }).Single();
        Assert.Equal("Completed", task.Text("Status"));
        Assert.Equal(5000L, Convert.ToInt64(await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT COUNT(*) FROM `{targetDb}`.items")));
        ps.Run("param($T) Get-Job -Name $T | Remove-Job -Force", new Hashtable { ["T"] = t.Task });
        Cleanup(t);
        await DropAsync(db, targetDb);
    }

    [Fact]
    public async Task StartOmsForwardWaitShowsProgressAndReturnsTheCompletedTask()
    {
        var (t, db, targetDb) = await CreateMigrationAsync();
        var result = ps.Invoke("param($T) Start-OmsForward $T -Wait -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var task = Assert.Single(result.Output);
        Assert.Equal("OmsSync.PowerShell.Output.OmsTask", task.BaseObject.GetType().FullName);
        Assert.Equal("Completed", task.Text("Status"));
        Assert.Contains(result.Progress, p => p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
        var table = Assert.Single((IEnumerable<object>)task.Prop("Tables")!);
        Assert.Equal(5000L, Convert.ToInt64(PSObject.AsPSObject(table).Properties["RowsCopied"].Value));
        Assert.Equal(5000L, Convert.ToInt64(await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT COUNT(*) FROM `{targetDb}`.items")));
        Cleanup(t);
        await DropAsync(db, targetDb);
    }

    [Fact]
    public async Task GetOmsConflictShowsTheRowsAnIgnoreMigrationKeptAndFiltersThem()
    {
        var db = TestServers.UniqueName("psconf");
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"CREATE DATABASE `{db}`; CREATE TABLE `{db}`.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO `{db}`.t VALUES (1, 'a'), (2, 'b'), (3, 'c');");
        await TestServers.ExecuteAsync(TestServers.MariaDbB, $"CREATE DATABASE `{db}_t`; CREATE TABLE `{db}_t`.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO `{db}_t`.t VALUES (2, 'mine');");
        var t = CreateTask($"-Rename @{{ '{db}' = '{db}_t' }} -NonEmptyTarget Ignore", include: $"{db}.*");
        var run = ps.Invoke("param($T) Start-OmsForward $T -Wait -Confirm:$false -WarningAction SilentlyContinue", new Hashtable { ["T"] = t.Task });
        Assert.Empty(run.Errors);

        var conflict = Assert.Single(ps.Run("param($T) Get-OmsTask $T | Get-OmsConflict | Where-Object Type -eq 'InsertExists'", new Hashtable { ["T"] = t.Task }));
        Assert.Equal("OmsSync.PowerShell.Output.OmsConflict", conflict.BaseObject.GetType().FullName);
        Assert.Equal($"{db}_t.t", conflict.Text("Table"));
        Assert.Contains("\"id\":\"2\"", conflict.Text("Key"));
        Assert.Contains("mine", conflict.Text("TargetRow"));
        Assert.Equal("KeptTarget", conflict.Text("Outcome"));
        Assert.Empty(ps.Run("param($T) Get-OmsConflict $T -Type DeleteMissing", new Hashtable { ["T"] = t.Task }));
        Assert.Empty(ps.Run("param($T) Get-OmsConflict $T -Table 'nomatch.*'", new Hashtable { ["T"] = t.Task }));
        Assert.Single(ps.Run("param($T, $D) Get-OmsConflict $T -Table \"$D*\" -Unresolved -Since ([DateTime]::Now.AddMinutes(-5))", new Hashtable { ["T"] = t.Task, ["D"] = db }));
        Assert.Equal("mine", await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT v FROM `{db}_t`.t WHERE id = 2"));
        Cleanup(t);
        await DropAsync(db, db + "_t");
    }

    [Fact]
    public async Task SetOmsTaskStartTimestampResetsWhereIncrementalReadingBegins()
    {
        // A private source keeps its binlog short: a timestamp start reads it from its first file.
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("tsrc", 601);
        await TestServers.ExecuteAsync(source, "CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY);");
        var t = CreateTask("-Rename @{ app = 'app_reset' }", include: "app.*", types: "Schema,Incremental");
        ps.Run("param($S, $P) Set-OmsDataSource $S -Port $P -Confirm:$false", new Hashtable { ["S"] = t.Source, ["P"] = source.Port });
        await TestServers.ExecuteAsync(TestServers.MariaDbB, "DROP DATABASE IF EXISTS app_reset");
        ps.Run("param($T) $null = Start-OmsForward $T -Wait -SkipPreCheck; Stop-OmsTask $T", new Hashtable { ["T"] = t.Task });

        await TestServers.ExecuteAsync(source, "INSERT INTO app.t VALUES (1);"); // before the new start: skipped
        await Task.Delay(2100);
        var start = DateTime.Now.AddTicks(-(DateTime.Now.Ticks % TimeSpan.TicksPerSecond)); // binlog times are whole seconds
        await TestServers.ExecuteAsync(source, "INSERT INTO app.t VALUES (2);");
        ps.Run("param($T, $S) Set-OmsTask $T -StartTimestamp $S -Confirm:$false; $null = Resume-OmsTask $T", new Hashtable { ["T"] = t.Task, ["S"] = start });

        await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(TestServers.MariaDbB, "SELECT COUNT(*) FROM app_reset.t WHERE id = 2").Result) == 1,
            TimeSpan.FromSeconds(30), "the row written after the new start timestamp");
        Assert.Equal(0L, Convert.ToInt64(await TestServers.ScalarAsync(TestServers.MariaDbB, "SELECT COUNT(*) FROM app_reset.t WHERE id = 1")));
        Cleanup(t);
        await TestServers.ExecuteAsync(TestServers.MariaDbB, "DROP DATABASE IF EXISTS app_reset");
    }

    [Fact]
    public void StartOmsForwardStopsOnFailedPreChecks()
    {
        var t = CreateTask();
        ps.Run("param($S) Set-OmsDataSource $S -Port 1 -Confirm:$false", new Hashtable { ["S"] = t.Source });
        var result = ps.Invoke("param($T) Start-OmsForward $T -Confirm:$false", new Hashtable { ["T"] = t.Task });
        // A terminating error of the cmdlet: it ends the statement, and nothing was started.
        Assert.Equal(["PreCheckFailed"], result.ErrorIds);
        Assert.Contains("Connectivity", result.Errors[0].Exception.Message);
        var task = ps.Run("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }).Single();
        Assert.Equal("Created", task.Text("Status"));
        Cleanup(t);
    }

    [Fact]
    public void RemoveTaskDeletesIt()
    {
        var t = CreateTask();
        ps.Run("param($T) Get-OmsTask $T | Remove-OmsTask -Confirm:$false", new Hashtable { ["T"] = t.Task });
        Assert.Equal(["TaskNotFound"], ps.Invoke("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }).ErrorIds);
        ps.Run("param($S, $G) Remove-OmsDataSource $S, $G -Confirm:$false", new Hashtable { ["S"] = t.Source, ["G"] = t.Target });
    }
}
