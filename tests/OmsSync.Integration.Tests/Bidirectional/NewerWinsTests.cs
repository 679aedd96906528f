using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;

namespace OmsSync.Integration.Tests.Bidirectional;

/// <summary>NewerWins on two real MariaDB servers: both applications write the same rows at once, workers are killed on the way, and both sides end equal.</summary>
public sealed class NewerWinsTests(ITestOutputHelper output)
{
    /// <summary>How long both sides write; OMSSYNC_NEWERWINS_SECONDS changes it.</summary>
    internal static TimeSpan LoadTime => TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("OMSSYNC_NEWERWINS_SECONDS"), out var s) ? s : 30);

    /// <summary>How many rounds of writing and settling one task goes through; OMSSYNC_NEWERWINS_ROUNDS changes it.</summary>
    private static int Rounds => int.TryParse(Environment.GetEnvironmentVariable("OMSSYNC_NEWERWINS_ROUNDS"), out var r) ? r : 1;

    internal static ConflictRule[] NewerWins => [new ConflictRule { Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" }];

    /// <summary>The conflicts a task recorded, by direction and type, for the test's output.</summary>
    internal static string Summary(EngineHarness h, string task)
    {
        var conflicts = h.Service.Conflicts.List(task);
        return $"{conflicts.Count} conflicts: " + string.Join(", ", conflicts.GroupBy(c => $"{c.Direction} {c.Type} {c.Outcome}").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
    }

    [Fact]
    public async Task BothSidesWritingTheSameRowsForHalfAMinuteEndEqual()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "nwload", SameRowsLoad.Schema("hot", "DATETIME(6)") +
            $"INSERT INTO hot SELECT seq, 0, NULL, 'A', '2024-01-01' FROM seq_1_to_{SameRowsLoad.Rows};");
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = NewTask(h, db, target, NewerWins, "nw");
        await StartBothAsync(h, task.Name);

        await using var a = await TestServers.OpenMySqlAsync(h.Source, db);
        await using var b = await TestServers.OpenMySqlAsync(h.Target, target);
        for (var round = 1; round <= Rounds; round++)
        {
            var seed = Random.Shared.Next();
            var (loadA, loadB) = (new SameRowsLoad(a, "hot", 'A', seed, SameRowsLoad.MariaDb), new SameRowsLoad(b, "hot", 'B', seed + 1, SameRowsLoad.MariaDb));
            await Task.WhenAll(loadA.RunAsync(LoadTime, perSecond: 300), loadB.RunAsync(LoadTime, perSecond: 300), KillEachWorkerOnceAsync(h, task.Name));
            output.WriteLine($"round {round} (seed {seed}): {loadA.Writes} writes on A ({loadA.Refused} refused), {loadB.Writes} on B ({loadB.Refused} refused) in {LoadTime.TotalSeconds:0} s");
            await WaitForSettledAsync(h, task.Name, () => TableSnapshot.ReadAsync(h.Source, db, "hot", "id"), () => TableSnapshot.ReadAsync(h.Target, target, "hot", "id"));
            output.WriteLine(Summary(h, task.Name));
        }
        Assert.Contains(h.Service.Conflicts.List(task.Name), c => c.Type == ConflictType.UpdateStale);
    }

    /// <summary>A third and two thirds into the load, each direction's worker is killed -9; the supervisor starts a new one.</summary>
    internal static async Task KillEachWorkerOnceAsync(EngineHarness h, string task)
    {
        foreach (var direction in new[] { Direction.Forward, Direction.Reverse })
        {
            await Task.Delay(LoadTime / 3);
            await WaitForIncrementalAsync(h, task, direction, restarting: true);
            EngineHarness.KillAndReap(h.Service.Runtime.Get(task, direction).WorkerPid!.Value);
        }
    }

    /// <summary>
    /// Waits until the two sides read the same and have stayed so for 5 seconds, polling twice a second; the directions'
    /// progress is not consulted, so equality that lasts that long is taken as settled. Fails when a direction stays
    /// failed for 30 seconds, or when the sides still differ after 180 (the assertion shows the rows that differ).
    /// </summary>
    internal static async Task WaitForSettledAsync(EngineHarness h, string task, Func<Task<List<string>>> left, Func<Task<List<string>>> right)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        var equalSince = (DateTime?)null;
        var failedSince = new Dictionary<Direction, DateTime>();
        while (true)
        {
            // A killed worker shows as Failed until the supervisor has started a new one.
            foreach (var direction in new[] { Direction.Forward, Direction.Reverse })
            {
                if (h.Service.Status(task, direction).Status is not TaskStatus.Failed)
                {
                    failedSince.Remove(direction);
                    continue;
                }
                failedSince.TryAdd(direction, DateTime.UtcNow);
                if (DateTime.UtcNow - failedSince[direction] > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException($"{direction} failed: {h.Service.Status(task, direction).Message}\n{Log(h, task, direction)}");
            }
            var (l, r) = (await left(), await right());
            var equal = l.SequenceEqual(r);
            equalSince = equal ? equalSince ?? DateTime.UtcNow : null;
            if (equalSince is { } since && DateTime.UtcNow - since > TimeSpan.FromSeconds(5)) return;
            if (DateTime.UtcNow > deadline)
            {
                var differing = l.Except(r).Select(x => "A only: " + x).Concat(r.Except(l).Select(x => "B only: " + x)).Take(40).ToList();
                // What the conflict log holds of the keys that differ tells which decision went wrong.
                var keys = differing.Select(d => d[(d.IndexOf(": ", StringComparison.Ordinal) + 2)..].Split('|')[0]).ToHashSet();
                // A move is recorded under the key it left: the images name the others.
                var conflicts = h.Service.Conflicts.List(task).Where(c => keys.Any(k => $"{c.Key} {c.SourceBefore} {c.SourceAfter} {c.TargetRow}".Contains($"\"{k}\"", StringComparison.Ordinal)))
                    .Select(c => $"{c.Time:HH:mm:ss.fff} {c.Direction} {c.Key} {c.Type} {c.Outcome}: before {c.SourceBefore}; after {c.SourceAfter}; target {c.TargetRow}");
                Assert.Fail($"The sides differ:\n{string.Join("\n", differing)}\nconflicts of those keys:\n{string.Join("\n", conflicts)}\n" +
                            $"forward log:\n{Log(h, task, Direction.Forward)}\nreverse log:\n{Log(h, task, Direction.Reverse)}");
            }
            await Task.Delay(500);
        }
    }
}
