using System.Collections;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>The bidirectional cmdlets in the hosted PowerShell engine, on the test servers.</summary>
[Collection(PowerShellCollection.Name)]
public sealed class BidirectionalCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    private (string Task, string Source, string Target) CreateTask(string include, string options)
    {
        var t = (Task: PowerShellSession.Unique("bidi"), Source: PowerShellSession.Unique("src"), Target: PowerShellSession.Unique("dst"));
        ps.Run($$"""
            param($T, $S, $G, $SH, $SP, $GH, $GP)
            $c = New-TestCredential oms '{{TestServers.Password}}'
            $null = New-OmsDataSource $S -Type MariaDb -Server $SH -Port $SP -Credential $c
            $null = New-OmsDataSource $G -Type MariaDb -Server $GH -Port $GP -Credential $c
            $null = New-OmsTask $T -Source $S -Target $G -Include '{{include}}' {{options}}
            """, new Hashtable
        {
            ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target,
            ["SH"] = TestServers.MariaDbA.Host, ["SP"] = TestServers.MariaDbA.Port,
            ["GH"] = TestServers.MariaDbB.Host, ["GP"] = TestServers.MariaDbB.Port,
        });
        return t;
    }

    private void Cleanup((string Task, string Source, string Target) t) =>
        ps.Run("param($T, $S, $G) Remove-OmsTask $T -Force -Confirm:$false; Remove-OmsDataSource $S, $G -Confirm:$false",
            new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target });

    private void WaitFor(string task, string direction, string phase)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var state = ps.Run("param($T, $D) Get-OmsTask $T | Where-Object Direction -eq $D", new Hashtable { ["T"] = task, ["D"] = direction }).SingleOrDefault();
            if (state?.Text("Phase") == phase && state.Text("Status") == "Running") return;
            if (state?.Text("Status") == "Failed" || DateTime.UtcNow > deadline)
                Assert.Fail($"{task} {direction}: {state?.Text("Status")} {state?.Text("Phase")} {state?.Text("Message")}");
            Thread.Sleep(300);
        }
    }

    private static async Task<string?> ValueAsync(ServerAddress server, string db, int id) =>
        (string?)await TestServers.ScalarAsync(server, $"SELECT v FROM items WHERE id = {id}", db);

    private static async Task WaitForValueAsync(ServerAddress server, string db, int id, string? expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await ValueAsync(server, db, id) != expected)
        {
            if (DateTime.UtcNow > deadline) Assert.Equal(expected, await ValueAsync(server, db, id));
            await Task.Delay(200);
        }
    }

    [Fact]
    public void EnableReverseRefusesOneWayTasksAndForwardDirectionsNotInTheIncrementalPhase()
    {
        var oneWay = CreateTask("shop.*", "-MigrationType Schema,Full");
        var result = ps.Invoke("param($T) Enable-OmsReverse $T", new Hashtable { ["T"] = oneWay.Task });
        Assert.Equal(["TaskNotBidirectional"], result.ErrorIds);
        Cleanup(oneWay);

        var bidi = CreateTask("shop.*", "-MigrationType Schema,Full,Incremental -Topology Bidirectional");
        result = ps.Invoke("param($T) Enable-OmsReverse $T", new Hashtable { ["T"] = bidi.Task });
        Assert.Equal(["ForwardNotIncremental"], result.ErrorIds);
        Assert.Contains("incremental phase", result.Errors[0].Exception.Message);
        result = ps.Invoke("param($T) Enable-OmsReverse $T -ConflictPolicy NewerWins", new Hashtable { ["T"] = bidi.Task });
        Assert.Equal(["ForwardNotIncremental"], result.ErrorIds);
        Cleanup(bidi);
    }

    [Fact]
    public async Task BothDirectionsRunAndConflictsAreWorkedThroughInAPipeline()
    {
        var db = TestServers.UniqueName("psbidi");
        var target = db + "_t";
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"CREATE DATABASE `{db}`; CREATE TABLE `{db}`.items (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6)); INSERT INTO `{db}`.items VALUES (1, 'one', NOW(6))");
        var t = CreateTask($"{db}.*", $"-MigrationType Schema,Full,Incremental -Topology Bidirectional -Rename @{{ '{db}' = '{target}' }}");
        try
        {
            var errors = ps.Invoke("param($T) Set-OmsConflictPolicy $T NewerWins", new Hashtable { ["T"] = t.Task });
            Assert.Equal(["InvalidConflictPolicy"], errors.ErrorIds);
            errors = ps.Invoke("param($T) Set-OmsConflictPolicy $T Overwrite -Table 'nomatch.*'", new Hashtable { ["T"] = t.Task });
            Assert.Equal(["ConflictTableNotFound"], errors.ErrorIds);
            errors = ps.Invoke("param($T) Set-OmsConflictPolicy $T NewerWins -TimestampColumn nope", new Hashtable { ["T"] = t.Task });
            Assert.Equal(["TimestampColumnNotFound"], errors.ErrorIds);
            errors = ps.Invoke("param($T) Set-OmsConflictPolicy $T NewerWins -TimestampColumn v", new Hashtable { ["T"] = t.Task });
            Assert.Equal(["TimestampColumnType"], errors.ErrorIds);
            Assert.Contains("is varchar", errors.Errors[0].Exception.Message);

            ps.Run("param($T) Start-OmsForward $T -Wait", new Hashtable { ["T"] = t.Task });
            WaitFor(t.Task, "Forward", "Incremental");
            var reverse = Assert.Single(ps.Run("param($T) Enable-OmsReverse $T -PassThru", new Hashtable { ["T"] = t.Task }));
            Assert.Equal("Reverse", reverse.Text("Direction"));
            Assert.Equal(t.Target, reverse.Text("Source"));
            WaitFor(t.Task, "Reverse", "Incremental");
            Assert.Equal(2, ps.Run("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }).Count);

            // A change on each side crosses to the other.
            await TestServers.ExecuteAsync(TestServers.MariaDbB, "INSERT INTO items VALUES (2, 'from target', NOW(6))", target);
            await TestServers.ExecuteAsync(TestServers.MariaDbA, "INSERT INTO items VALUES (3, 'from source', NOW(6))", db);
            await WaitForValueAsync(TestServers.MariaDbA, db, 2, "from target");
            await WaitForValueAsync(TestServers.MariaDbB, target, 3, "from source");

            // Stop-OmsTask stops both directions; rows written meanwhile on both sides collide when they resume.
            ps.Run("param($T) Stop-OmsTask $T", new Hashtable { ["T"] = t.Task });
            Assert.All(ps.Run("param($T) Get-OmsTask $T", new Hashtable { ["T"] = t.Task }), o => Assert.Equal("Stopped", o.Text("Status")));
            await TestServers.ExecuteAsync(TestServers.MariaDbA, "INSERT INTO items VALUES (10, 'a', NOW(6))", db);
            await TestServers.ExecuteAsync(TestServers.MariaDbB, "INSERT INTO items VALUES (10, 'b', NOW(6))", target);
            ps.Run("param($T) Resume-OmsTask $T", new Hashtable { ["T"] = t.Task });
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (ps.Run("param($T) Get-OmsConflict -Name $T", new Hashtable { ["T"] = t.Task }).Count < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "two InsertExists conflicts were expected");
                Thread.Sleep(300);
            }
            var conflicts = ps.Run("param($T) Get-OmsConflict -Name $T", new Hashtable { ["T"] = t.Task }).OrderBy(c => c.Text("Direction")).ToList();
            Assert.Equal(["Forward", "Reverse"], conflicts.Select(c => c.Text("Direction")));
            Assert.All(conflicts, c => Assert.Equal("InsertExists", c.Text("Type")));
            Assert.All(conflicts, c => Assert.Equal("KeptTarget", c.Text("Outcome")));
            Assert.Contains("\"v\":\"b\"", conflicts[0].Text("TargetRow"));
            // Get-OmsTask counts them per minute (over five), per direction and type, beside the skew between the servers' clocks.
            var rates = ps.Run("param($T) Get-OmsTask $T | ForEach-Object { [string]::Format([cultureinfo]::InvariantCulture, '{0} {1} {2}', $_.Direction, " +
                               "$_.ConflictsPerMinute['InsertExists'], [math]::Abs($_.ClockSkew.TotalSeconds) -lt 1) }", new Hashtable { ["T"] = t.Task });
            Assert.Equal(["Forward 0.2 True", "Reverse 0.2 True"], rates.Select(r => r.ToString()).Order());

            // Export before resolving: CSV and JSON carry every record.
            var csv = Path.Combine(ps.Home, t.Task + ".csv");
            var json = Path.Combine(ps.Home, t.Task + ".json");
            ps.Run("param($T, $P) Export-OmsConflict -Name $T -Path $P", new Hashtable { ["T"] = t.Task, ["P"] = csv });
            ps.Run("param($T, $P) Get-OmsConflict $T | Export-OmsConflict $P", new Hashtable { ["T"] = t.Task, ["P"] = json });
            var lines = File.ReadAllLines(csv);
            Assert.Equal("\"Id\",\"Task\",\"Direction\",\"Table\",\"Key\",\"Type\",\"SourceBefore\",\"SourceAfter\",\"TargetRow\",\"Policy\",\"Outcome\",\"Time\",\"Resolved\",\"Resolution\"", lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.All(lines.Skip(1), l => Assert.Contains("\"InsertExists\"", l));
            Assert.Contains("\"{\"\"id\"\":\"\"10\"\"}\"", lines[1]); // quotes inside fields are doubled
            using var exported = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal(["Forward", "Reverse"], exported.RootElement.EnumerateArray().Select(e => e.GetProperty("Direction").GetString()).Order());
            Assert.Equal(["FileExists"], ps.Invoke("param($T, $P) Export-OmsConflict -Name $T -Path $P -NoClobber", new Hashtable { ["T"] = t.Task, ["P"] = csv }).ErrorIds);

            // The pipeline of the conflict log: the forward conflict's source row goes to the target.
            ps.Run("param($T) Get-OmsConflict -Name $T | Where-Object Type -eq 'InsertExists' | Where-Object Direction -eq 'Forward' | Resolve-OmsConflict -Action ApplySource",
                new Hashtable { ["T"] = t.Task });
            Assert.Equal("a", await ValueAsync(TestServers.MariaDbB, target, 10));
            ps.Run("param($T) Get-OmsConflict -Name $T -Unresolved | Resolve-OmsConflict -Action KeepTarget", new Hashtable { ["T"] = t.Task });
            Assert.Empty(ps.Run("param($T) Get-OmsConflict -Name $T -Unresolved", new Hashtable { ["T"] = t.Task }));
            await Task.Delay(2000);
            Assert.Equal("a", await ValueAsync(TestServers.MariaDbA, db, 10)); // the correction was not sent back

            // A policy set while the workers run takes effect without a restart.
            var pid = ps.Run("param($T) Get-OmsTask $T | Where-Object Direction -eq Forward", new Hashtable { ["T"] = t.Task })[0].Prop("WorkerPid");
            ps.Run("param($T) Set-OmsConflictPolicy $T Overwrite -Direction Forward", new Hashtable { ["T"] = t.Task });
            Assert.Equal("Overwrite", ps.Run("param($T) (Get-OmsTask $T)[0].ConflictRules[0].Policy", new Hashtable { ["T"] = t.Task })[0].ToString());
            await Task.Delay(2500);
            await TestServers.ExecuteAsync(TestServers.MariaDbB, "SET sql_log_bin = 0; INSERT INTO items VALUES (20, 'old', NOW(6))", target);
            await TestServers.ExecuteAsync(TestServers.MariaDbA, "INSERT INTO items VALUES (20, 'new', NOW(6))", db);
            await WaitForValueAsync(TestServers.MariaDbB, target, 20, "new");
            var overwrite = Assert.Single(ps.Run("param($T) Get-OmsConflict $T -Unresolved", new Hashtable { ["T"] = t.Task }));
            Assert.Equal("AppliedSource", overwrite.Text("Outcome"));
            Assert.Equal("Overwrite", overwrite.Text("Policy"));
            Assert.Equal(pid, ps.Run("param($T) Get-OmsTask $T | Where-Object Direction -eq Forward", new Hashtable { ["T"] = t.Task })[0].Prop("WorkerPid"));
        }
        finally
        {
            Cleanup(t);
            await TestServers.ExecuteAsync(TestServers.MariaDbA, $"DROP DATABASE IF EXISTS `{db}`");
            await TestServers.ExecuteAsync(TestServers.MariaDbB, $"DROP DATABASE IF EXISTS `{target}`");
        }
    }
}
