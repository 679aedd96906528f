using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Integration.Tests.Infrastructure;
using OmsSync.Integration.Tests.Verification;
using Xunit;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;

namespace OmsSync.Integration.Tests.Bidirectional;

/// <summary>
/// Overwrite does not converge when both sides change one row at once: each side takes the other's image. A full
/// verification of the bidirectional task lists the rows that differ, and a repair makes either side equal to the other.
/// </summary>
public sealed class RepairDirectionTests
{
    [Fact]
    public async Task AfterAnOverwriteDivergenceRepairMakesEitherSideEqualToTheOther()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "repdir",
            "CREATE TABLE acct (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL); INSERT INTO acct SELECT seq, 'init' FROM seq_1_to_20;");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, [new ConflictRule { Policy = ConflictPolicy.Overwrite }], "repdir");
        await StartBothAsync(h, task.Name);

        // Round 1: rows 1-5 changed on both sides and swapped; the source is made equal to the target.
        await DivergeAsync(h, task, db, target, first: 1, round: 1);
        var found = await VerificationHarness.VerifyAsync(h, task);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"{{\"id\":\"{i}\"}}"), found.Differences.Select(d => d.Key).Order());
        Assert.All(found.Differences, d => Assert.Equal("Different", d.Kind.ToString()));
        await VerificationHarness.RepairAsync(h, task, found.Differences, Direction.Reverse);
        Assert.Equal(Enumerable.Repeat("a1", 5), await ValuesAsync(h.Source, db, 1)); // the target's, A's own write
        await AssertEqualAsync(h, task, db, target);

        // Round 2: rows 6-10 likewise; the target is made equal to the source.
        await DivergeAsync(h, task, db, target, first: 6, round: 2);
        found = await VerificationHarness.VerifyAsync(h, task);
        Assert.Equal(5, found.Differences.Count);
        await VerificationHarness.RepairAsync(h, task, found.Differences, Direction.Forward);
        Assert.Equal(Enumerable.Repeat("b2", 5), await ValuesAsync(h.Target, target, 6)); // the source's, B's own write
        await AssertEqualAsync(h, task, db, target);
    }

    /// <summary>
    /// With both directions stopped, each side changes the same five rows; once they run again each applies the other's
    /// change (by key, as Overwrite does), so the source ends with the target's values and the target with the source's.
    /// </summary>
    private static async Task DivergeAsync(EngineHarness h, MigrationTask task, string db, string target, int first, int round)
    {
        foreach (var direction in new[] { Direction.Forward, Direction.Reverse })
            await h.Service.RequestAsync(task.Name, direction, WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
        var rows = $"id BETWEEN {first} AND {first + 4}";
        await TestServers.ExecuteAsync(h.Source, $"UPDATE acct SET v = 'a{round}' WHERE {rows}", db);
        await TestServers.ExecuteAsync(h.Target, $"UPDATE acct SET v = 'b{round}' WHERE {rows}", target);
        h.Service.StartWorker(task.Name, Direction.Forward);
        h.Service.StartWorker(task.Name, Direction.Reverse);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await ValuesAsync(h.Source, db, first)).All(v => v == $"b{round}") || !(await ValuesAsync(h.Target, target, first)).All(v => v == $"a{round}"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the sides did not swap: {string.Join(",", await ValuesAsync(h.Source, db, first))} / {string.Join(",", await ValuesAsync(h.Target, target, first))}");
            await Task.Delay(200);
        }
    }

    private static async Task AssertEqualAsync(EngineHarness h, MigrationTask task, string db, string target)
    {
        await WaitForEqualAsync(h, task.Name, db, target, ("acct", "id"));
        VerificationHarness.AssertNoDifferences(await VerificationHarness.VerifyAsync(h, task));
    }

    private static async Task<List<string>> ValuesAsync(ServerAddress server, string db, int first)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlCommand($"SELECT v FROM acct WHERE id BETWEEN {first} AND {first + 4} ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
