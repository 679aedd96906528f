using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>
/// What Get-OmsTask and the worker log show when the source goes away and comes back, on a private source server
/// restarted under a running task: the heartbeat starts again, the reconnect notice goes once changes apply, a later
/// outage is retried from the first pause again, and a purged binlog fails with the message that says what to do.
/// </summary>
[Collection(PowerShellCollection.Name)]
public sealed class RecoveryCmdletTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    /// <summary>A private source with app.t, and a running task copying it to the target (the suite's second server), in its incremental phase.</summary>
    private static async Task<(CmdletTask Task, string TargetDb)> StartAsync(PowerShellSession ps, ServerAddress source, ServerAddress? target = null)
    {
        await TestServers.ExecuteAsync(source, "CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO app.t VALUES (1, 1);");
        var targetDb = TestServers.UniqueName("recov");
        var t = CmdletTask.Create(ps, "app.*", $"-Rename @{{ app = '{targetDb}' }} -MigrationType Schema,Full,Incremental", source: source, target: target);
        t.Run("$null = Start-OmsForward $T -Confirm:$false");
        t.WaitForPhase("Incremental");
        return (t, targetDb);
    }

    [Fact]
    public async Task TheHeartbeatBeatsAgainAfterTheSourceRestarts()
    {
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("src", 711);
        var (t, targetDb) = await StartAsync(ps, source);
        try
        {
            var key = ((Engine.Model.MigrationTask)t.Run("[OmsSync.Engine.Runtime.OmsService]::Open().Tasks.Get($T)").Single().BaseObject).OmsKey;
            servers.Restart("src");
            var restarted = (string)(await TestServers.ScalarAsync(source, "SELECT CAST(UTC_TIMESTAMP(6) AS CHAR)"))!;
            await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(source,
                    $"SELECT COUNT(*) FROM oms.heartbeat WHERE task = '{key}' AND beat > '{restarted}'").Result) == 1,
                TimeSpan.FromSeconds(40), "a heartbeat written after the source restarted");
            // The idle task's position keeps moving with it.
            var position = t.State().Text("Position");
            t.WaitFor("the position to move", s => s.Text("Position") != position, seconds: 30);
            var log = t.Log();
            Assert.Equal(1, Occurrences(log, $"source heartbeat on data source '{t.Source}' stopped"));
            Assert.Contains($"source heartbeat on data source '{t.Source}' beats again", log);
        }
        finally
        {
            await t.RemoveAsync(null, targetDb);
        }
    }

    [Fact]
    public async Task TheReconnectNoticeGoesOnceChangesApplyAndTheNextOutageStartsFromTheFirstPause()
    {
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("src", 712);
        var (t, targetDb) = await StartAsync(ps, source);
        try
        {
            for (var outage = 1; outage <= 2; outage++)
            {
                var logBefore = t.Log().Length;
                servers.Restart("src");
                await TestServers.ExecuteAsync(source, $"INSERT INTO app.t VALUES ({outage + 1}, {outage})");
                await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT COUNT(*) FROM `{targetDb}`.t").Result) == outage + 1,
                    TimeSpan.FromSeconds(60), $"the row written after restart {outage}");
                // Applying again ends the notice: Get-OmsTask no longer says it is reconnecting, and the lag is small.
                var state = t.WaitFor("the reconnect notice to go", s => s.Text("Message")?.StartsWith("Reconnecting") != true, seconds: 15);
                Assert.Equal("Running", state.Text("Status"));
                var lost = t.Log()[logBefore..].Split('\n').Where(l => l.Contains("connection lost")).ToList();
                Assert.NotEmpty(lost);
                // Each outage is waited for from the first pause, however long the one before took; and it names the source.
                Assert.Contains("retrying from the checkpoint in 1 s", lost[0]);
                Assert.True(lost.All(l => l.Contains($"data source '{t.Source}'")), string.Join("\n", lost));
            }
        }
        finally
        {
            await t.RemoveAsync(null, targetDb);
        }
    }

    [Fact]
    public async Task AWorkerStartedWhileTheTargetIsDownWaitsForItInsteadOfFailingTheTask()
    {
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("src", 714);
        var target = servers.StartMariaDb("dst", 715);
        var (t, targetDb) = await StartAsync(ps, source, target);
        try
        {
            t.Run("Stop-OmsTask $T -Confirm:$false");
            servers.Kill("dst");
            t.Run("$null = Resume-OmsTask $T -Confirm:$false");
            var waiting = t.WaitFor("the worker to wait for the target", s => s.Text("Message")?.StartsWith("Reconnecting") == true, seconds: 30);
            Assert.Contains($"data source '{t.Target}'", waiting.Text("Message"));
            await Task.Delay(3000);
            Assert.Equal("Running", t.State().Text("Status"));

            servers.Restart("dst");
            await TestServers.ExecuteAsync(source, "INSERT INTO app.t VALUES (2, 2)");
            t.WaitFor("the reconnect notice to go", s => s.Text("Message")?.StartsWith("Reconnecting") != true && s.Text("Phase") == "Incremental", seconds: 60);
            await EngineHarness.WaitUntilAsync(() => Convert.ToInt64(TestServers.ScalarAsync(target, $"SELECT COUNT(*) FROM `{targetDb}`.t").Result) == 2,
                TimeSpan.FromSeconds(60), "the row written while the target was down");
        }
        finally
        {
            t.Remove();
        }
    }

    [Fact]
    public async Task APurgedBinlogFailsTheTaskWithTheMessageThatSaysWhatToDo()
    {
        using var servers = new PrivateServers();
        var source = servers.StartMariaDb("src", 713);
        var (t, targetDb) = await StartAsync(ps, source);
        try
        {
            t.Run("Stop-OmsTask $T -Confirm:$false");
            var file = await TestServers.CurrentBinlogAsync(source);
            await TestServers.ExecuteAsync(source, "INSERT INTO app.t VALUES (2, 2)"); // a transaction the task has not read, then gone
            await TestServers.PurgeBinlogsAsync(source, file);
            t.Run("$null = Resume-OmsTask $T -Confirm:$false");
            var state = t.WaitFor("the task to fail", s => s.Text("Status") == "Failed", seconds: 60);
            Assert.Contains("no longer has the binlog", state.Text("Message"));
            Assert.Contains("New-OmsTask", state.Text("Message"));
            Assert.DoesNotContain("BinlogServerException", state.Text("Message"));
        }
        finally
        {
            await t.RemoveAsync(null, targetDb);
        }
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
