using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Ddl;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Incremental;

/// <summary>A table joining a task that has run (its objects changed), with the worker killed on the way.</summary>
public sealed class TableJoinRecoveryTests
{
    [Fact]
    public async Task AWorkerKilledWhileATableJoinsResumesTheJoinWithNothingLostOrAppliedTwice()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "joinkill", """
            CREATE TABLE kept (id INT PRIMARY KEY, v INT NOT NULL);
            CREATE TABLE first_join (id INT PRIMARY KEY, v INT NOT NULL);
            CREATE TABLE second_join (id INT PRIMARY KEY, v INT NOT NULL);
            INSERT INTO kept SELECT seq, seq FROM seq_1_to_100;
            INSERT INTO first_join SELECT seq, seq FROM seq_1_to_5000;
            INSERT INTO second_join SELECT seq, seq FROM seq_1_to_5000;
            """);
        var target = db + "_t";
        var task = DdlTestKit.NewTask(h, db, target, "joinkill", t => t with { IncrementalDdl = false, AutoRestart = false, Include = [$"{db}.kept"] });
        await DdlTestKit.StartAsync(h, task);
        var included = new List<string> { $"{db}.kept" };
        int Joins() => System.Text.RegularExpressions.Regex.Matches(DdlTestKit.Log(h, task.Name), "join the task").Count;
        // Killed once the table's window is open, before a row is copied; then once every row is copied, before the window ends.
        foreach (var (point, table) in new[] { ("join-opened", "first_join"), ("join-copied", "second_join") })
        {
            await h.Service.RequestAsync(task.Name, Direction.Forward, Engine.State.WorkerRequest.Stop, TimeSpan.FromSeconds(30), CancellationToken.None);
            included.Add($"{db}.{table}");
            h.Service.Tasks.Update(h.Service.Tasks.Get(task.Name) with { Include = included.ToList() });
            Environment.SetEnvironmentVariable("OMSSYNC_FAULT", $"{task.Name}:{point}");
            try
            {
                var joinsBefore = Joins();
                h.Service.StartWorker(task.Name, Direction.Forward);
                await DdlTestKit.ExecAsync(h, db, $"UPDATE {table} SET v = v + 1 WHERE id <= 50; DELETE FROM {table} WHERE id BETWEEN 51 AND 60; " +
                                                  $"INSERT INTO {table} VALUES (9001, 1); UPDATE kept SET v = v + 1 WHERE id <= 10;");
                await EngineHarness.WaitUntilAsync(() => Joins() > joinsBefore && !h.Service.IsWorkerAlive(task.Name, Direction.Forward), TimeSpan.FromSeconds(60),
                    $"the worker to die at {point}");
                if (h.Service.Runtime.Get(task.Name, Direction.Forward).WorkerPid is { } pid) EngineHarness.KillAndReap(pid);
            }
            finally
            {
                Environment.SetEnvironmentVariable("OMSSYNC_FAULT", null);
            }
            // What the source does while no worker runs is applied after the join, once.
            await DdlTestKit.ExecAsync(h, db, $"UPDATE {table} SET v = v * 2 WHERE id <= 100; DELETE FROM {table} WHERE id = 9001; INSERT INTO {table} VALUES (9002, 2);");
            await DdlTestKit.StartAsync(h, task);
            await DdlTestKit.ExecAsync(h, db, $"UPDATE {table} SET v = v + 1000 WHERE id BETWEEN 200 AND 210; INSERT INTO kept VALUES ({1000 + table.Length}, 1);");
            await DdlTestKit.WaitForSameAsync(h, task.Name, db, target, ("kept", "kept", "id"), (table, table, "id"));
        }
        // Each join began twice: in the worker killed, then in the one that resumed it.
        Assert.Equal(4, Joins());
        Assert.Empty(h.Service.Conflicts.List(task.Name));
    }
}
