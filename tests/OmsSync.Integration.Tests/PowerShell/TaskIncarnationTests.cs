using System.Management.Automation;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>
/// What a task leaves on its servers belongs to that task, not to its name: a task removed and created again under
/// the same name copies everything again, and Remove-OmsTask takes the old task's rows out of `oms` on both sides.
/// </summary>
[Collection(PowerShellCollection.Name)]
public sealed class TaskIncarnationTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    [Fact]
    public async Task ATaskCreatedAgainUnderARemovedTasksNameCopiesItsTablesAgain()
    {
        var db = TestServers.UniqueName("again");
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"""
            CREATE DATABASE `{db}`;
            CREATE TABLE `{db}`.customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO `{db}`.customers SELECT seq, CONCAT('customer ', seq) FROM `{db}`.seq_1_to_1000;
            """);
        var include = $"{db}.customers";
        var options = $"-Rename @{{ '{db}' = '{db}_t' }} -MigrationType Schema,Full,Incremental";
        var t = CmdletTask.Create(ps, include, options);
        try
        {
            t.Run("$null = Start-OmsForward $T -Confirm:$false");
            t.WaitForPhase("Incremental");
            var key = OmsKey(t);
            var removed = t.Invoke("Remove-OmsTask $T -Force -Confirm:$false");
            Assert.Empty(removed.Errors);
            Assert.Empty(removed.Warnings);
            // Nothing of the removed task stays in `oms`: chunk marks and checkpoints on the target, its heartbeat on the source.
            Assert.Equal(0L, await CountAsync(TestServers.MariaDbB, $"SELECT COUNT(*) FROM oms.full_chunks WHERE task = '{key}'"));
            Assert.Equal(0L, await CountAsync(TestServers.MariaDbB, $"SELECT COUNT(*) FROM oms.checkpoints WHERE task = '{key}'"));
            Assert.Equal(0L, await CountAsync(TestServers.MariaDbA, $"SELECT COUNT(*) FROM oms.heartbeat WHERE task = '{key}'"));

            await TestServers.ExecuteAsync(TestServers.MariaDbB, $"DROP DATABASE `{db}_t`");
            t.New(include, options);
            Assert.NotEqual(key, OmsKey(t));
            t.Run("$null = Start-OmsForward $T -Confirm:$false");
            var state = t.WaitForPhase("Incremental");
            Assert.Equal(1000L, await TableSnapshot.CountAsync(TestServers.MariaDbB, db + "_t", "customers"));
            // Done is what was copied this time.
            var table = PSObject.AsPSObject(Assert.Single((IEnumerable<object>)state.Prop("Tables")!));
            Assert.Equal("Done", table.Properties["Status"].Value?.ToString());
            Assert.Equal(1000L, Convert.ToInt64(table.Properties["RowsCopied"].Value));

            // And changes flow from the new task's own start.
            await TestServers.ExecuteAsync(TestServers.MariaDbA, $"INSERT INTO `{db}`.customers VALUES (1001, 'late')");
            await EngineHarness.WaitUntilAsync(() => TableSnapshot.CountAsync(TestServers.MariaDbB, db + "_t", "customers").Result == 1001,
                TimeSpan.FromSeconds(60), "the row inserted after the copy");
        }
        finally
        {
            await t.RemoveAsync(db, db + "_t");
        }
    }

    [Fact]
    public void RemovingATaskWhoseServerCannotBeReachedSaysWhatItLeftThere()
    {
        var t = CmdletTask.Create(ps, "shop.*", "-MigrationType Schema,Full");
        t.Run("Set-OmsDataSource $G -Port 1 -Confirm:$false");
        var removed = t.Invoke("Remove-OmsTask $T -Confirm:$false");
        Assert.Empty(removed.Errors);
        var warning = Assert.Single(removed.Warnings).Message;
        Assert.Contains($"data source '{t.Target}'", warning);
        Assert.Contains("`oms`", warning);
        Assert.Contains("Cannot reach", warning);
        Assert.Equal(["TaskNotFound"], t.Invoke("Get-OmsTask $T").ErrorIds);
        t.Run("Remove-OmsDataSource $S, $G -Confirm:$false");
    }

    private static string OmsKey(CmdletTask t) =>
        ((Engine.Model.MigrationTask)t.Run("[OmsSync.Engine.Runtime.OmsService]::Open().Tasks.Get($T)").Single().BaseObject).OmsKey;

    private static async Task<long> CountAsync(ServerAddress server, string sql)
    {
        try
        {
            return Convert.ToInt64(await TestServers.ScalarAsync(server, sql));
        }
        catch (MySqlConnector.MySqlException e) when (e.ErrorCode == MySqlConnector.MySqlErrorCode.NoSuchTable)
        {
            return 0;
        }
    }
}
