using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.MySql.PreCheck;
using OmsSync.Engine.Postgres.PreCheck;

namespace OmsSync.Engine.PreCheck;

/// <summary>Pre-checks of a task: both data sources for their roles, then the task's objects and options.</summary>
public static class TaskChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(OmsService service, MigrationTask task, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var sourceRole = DataSourceRole.Source | (task.MigrationTypes.HasFlag(MigrationTypes.Incremental) ? DataSourceRole.IncrementalSource : 0)
            | (task.Topology == Topology.Bidirectional ? DataSourceRole.ReverseTarget : 0);
        var targetRole = DataSourceRole.Target | (task.Topology == Topology.Bidirectional ? DataSourceRole.IncrementalSource : 0);
        results.AddRange(await service.TestDataSourceAsync(task.Source, sourceRole, cancellationToken).ConfigureAwait(false));
        results.AddRange(await service.TestDataSourceAsync(task.Target, targetRole, cancellationToken).ConfigureAwait(false));
        if (results.Any(r => r.Check == "Connectivity" && r.Status == CheckStatus.Fail))
            return results;
        if (service.DataSources.Get(task.Target).Kind == DataSourceKind.Kafka)
            return [.. results, .. await Kafka.KafkaTaskChecks.RunAsync(service, task, cancellationToken).ConfigureAwait(false)];
        results.AddRange(Pipeline.Pairing.HasPostgres(service.DataSources, task)
            ? await PostgresObjectChecks.RunAsync(service, task, cancellationToken).ConfigureAwait(false)
            : await ObjectChecks.RunAsync(service, task, cancellationToken).ConfigureAwait(false));
        if (!results.Any(r => r.Check == "ObjectRules" && r.Status == CheckStatus.Fail))
            results.AddRange(await StoredObjectChecks.RunAsync(service.Store, task, cancellationToken).ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// Pre-checks of a bidirectional task's reverse direction, run before it starts: the target as the server whose
    /// changes are read, the source as the one they are written to. The objects were checked when the forward direction started.
    /// </summary>
    public static async Task<IReadOnlyList<CheckResult>> RunReverseAsync(OmsService service, MigrationTask task, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        results.AddRange(await service.TestDataSourceAsync(task.Target, DataSourceRole.IncrementalSource, cancellationToken).ConfigureAwait(false));
        results.AddRange(await service.TestDataSourceAsync(task.Source, DataSourceRole.ReverseTarget, cancellationToken).ConfigureAwait(false));
        return results;
    }
}
