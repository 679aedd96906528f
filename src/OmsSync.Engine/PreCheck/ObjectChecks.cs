using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.PreCheck;

/// <summary>Pre-checks of a task's objects: rules, renames, row filters, columns, target tables.</summary>
public static class ObjectChecks
{
    public static Task<IReadOnlyList<CheckResult>> RunAsync(OmsService service, MigrationTask task, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CheckResult>>([]);
}
