using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Verification;

/// <summary>Runs verifications and repairs in-process against the test servers, and reads back what they recorded.</summary>
internal static class VerificationHarness
{
    public sealed record Outcome(VerificationRun Run, IReadOnlyList<VerificationTableResult> Tables, IReadOnlyList<VerificationDifference> Differences)
    {
        public VerificationTableResult Table(string sourceTable) => Tables.Single(t => t.SourceTable == sourceTable);
        public IEnumerable<VerificationDifference> Of(string sourceTable) => Differences.Where(d => d.SourceTable == sourceTable);
    }

    /// <summary>A task that copies every table of <paramref name="db"/> into <paramref name="target"/>, migrated in-process.</summary>
    public static async Task<MigrationTask> MigrateAsync(EngineHarness h, string db, string target, Func<MigrationTask, MigrationTask>? adjust = null)
    {
        h.Track(h.Target, target);
        var task = new MigrationTask
        {
            Name = "verify-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full,
        };
        task = h.AddTask(adjust is null ? task : adjust(task));
        await FullMigrationTests.RunInProcessAsync(h, task);
        return task;
    }

    public static async Task<Outcome> VerifyAsync(EngineHarness h, MigrationTask task, VerificationMode mode = VerificationMode.Full,
        CancellationToken cancellationToken = default)
    {
        var runs = new VerificationStore(h.Service.Store);
        var id = runs.CreateRun(task.Name, mode, VerificationOrigin.Cmdlet, [], null);
        var log = new List<string>();
        var run = await new VerificationHost(h.Service.Store, task, m => { lock (log) log.Add(m); }).RunAsync(id, cancellationToken);
        var expected = mode == VerificationMode.Full ? TaskStatus.Completed : TaskStatus.Stopped;
        Assert.True(run.Status == expected, $"run {run.Status}: {run.Message}\n{string.Join("\n", log)}");
        return new Outcome(run, runs.Tables(id), runs.OpenDifferences(task.Name).Where(d => d.RunId == id).ToList());
    }

    public static async Task RepairAsync(EngineHarness h, MigrationTask task, IReadOnlyList<VerificationDifference> differences, Direction direction = Direction.Forward)
    {
        var repairer = new DifferenceRepairer(h.Service.Store, task, direction);
        foreach (var repair in await repairer.PlanAsync(differences, CancellationToken.None))
            await repairer.ApplyAsync(repair, CancellationToken.None);
    }

    public static void AssertNoDifferences(Outcome outcome)
    {
        Assert.All(outcome.Tables, t => Assert.True(t.MissingOnTarget + t.ExtraOnTarget + t.Different == 0 && t.Status is "Completed" or "Stopped",
            $"{t.SourceTable}: {t.Status}, missing {t.MissingOnTarget}, extra {t.ExtraOnTarget}, different {t.Different}; " +
            string.Join("; ", outcome.Of(t.SourceTable).Take(5).Select(d => $"{d.Kind} {d.Key} {d.SourceRow} / {d.TargetRow}"))));
        Assert.Empty(outcome.Differences);
    }

    public static async Task<List<long>> IdsAsync(ServerAddress server, string db, string sql)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlConnector.MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync()) ids.Add(Convert.ToInt64(reader.GetValue(0)));
        return ids;
    }
}
