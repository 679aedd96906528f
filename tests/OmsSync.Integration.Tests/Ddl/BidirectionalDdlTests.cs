using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;

namespace OmsSync.Integration.Tests.Ddl;

/// <summary>In a bidirectional task DDL flows forward only; the reverse direction keeps carrying DML in the new shapes.</summary>
public sealed class BidirectionalDdlTests
{
    [Fact]
    public async Task DdlFlowsForwardOnlyAndTheReverseDirectionFollowsTheNewShapes()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "bididdl", "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t SELECT seq, seq FROM seq_1_to_10;");
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "bididdl", t => t with { Topology = Topology.Bidirectional });
        await StartBothAsync(h, task.Name);

        // Forward: the DDL reaches the target; the reverse direction reads it there and leaves it alone.
        await DdlTestKit.ExecAsync(h, db, "ALTER TABLE t ADD COLUMN c VARCHAR(10) DEFAULT 'src'; CREATE TABLE n (id INT PRIMARY KEY, w INT); INSERT INTO t VALUES (11, 11, 'a');");
        await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("t", "t", "id"));
        // Rows written on the target in the new shape, and in the table that joined, come back.
        await EngineHarness.WaitUntilAsync(() => DdlTestKit.ExistsAsync(h.Target, target, "n").Result, TimeSpan.FromSeconds(30), "the new table on the target");
        await TestServers.ExecuteAsync(h.Target, "INSERT INTO t VALUES (12, 12, 'tgt'); UPDATE t SET c = 'both' WHERE id = 1; INSERT INTO n VALUES (1, 1);", target);
        // A DDL made on the target is not sent back.
        await TestServers.ExecuteAsync(h.Target, "ALTER TABLE t ADD INDEX only_target (v)", target);
        await TestServers.ExecuteAsync(h.Target, "INSERT INTO t VALUES (13, 13, 'after');", target);
        await WaitForEqualAsync(h, task.Name, db, target, ("t", "id"), ("n", "id"));

        Assert.DoesNotContain("only_target", await DdlTestKit.ShapeAsync(h.Source, db, "t"));
        var reverse = h.Service.DdlLog.List(task.Name, Direction.Reverse);
        Assert.Contains(reverse, r => r.Outcome == DdlOutcome.NotApplied && r.Statement.Contains("ADD COLUMN c") && r.Reason!.Contains("forward direction"));
        Assert.Contains(reverse, r => r.Outcome == DdlOutcome.NotApplied && r.Statement.Contains("only_target") && r.Reason!.Contains("made on the target"));
        Assert.DoesNotContain(h.Service.DdlLog.List(task.Name, Direction.Forward), r => r.Statement.Contains("only_target"));
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }
}
