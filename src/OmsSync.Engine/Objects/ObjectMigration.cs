using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Objects;

/// <summary>
/// The objects beyond tables of one task direction, between the two kinds of server its pairing joins. Routines,
/// sequences and (disabled) events come with the schema; what would act on the rows the synchronization writes comes
/// at cut-over, or when a copy without synchronization ends: system versioning, triggers, enabled events, and every
/// counter moved past what the source handed out.
/// </summary>
internal sealed class ObjectMigration
{
    private readonly MigrationTask _task;

    public ObjectMigration(IObjectSource source, IObjectTarget target, MigrationTask task)
    {
        Source = source;
        Target = target;
        _task = task;
    }

    public IObjectSource Source { get; }
    public IObjectTarget Target { get; }

    /// <summary>What the task carries of the objects in the databases its tables and views come from, as they are on the source now.</summary>
    public async Task<ObjectPlan> PlanAsync(TaskObjects tables, CancellationToken cancellationToken)
    {
        var databases = tables.Tables.Select(t => t.Mapping.SourceDatabase).Concat(tables.Views.Select(v => v.View.Database)).Distinct(StringComparer.Ordinal).ToList();
        var found = await Source.ReadAsync(databases, cancellationToken).ConfigureAwait(false);
        return ObjectPlan.Make(found, _task, tables, Target.Refusal);
    }

    /// <summary>
    /// Everything deferred until the rows stop coming, in order: versioning (the tables are final first), routines,
    /// triggers and events as the source has them, then the counters.
    /// </summary>
    /// <param name="reading">The task's tables as the source has them.</param>
    /// <param name="writing">The same tables as the target has them.</param>
    public async Task CompleteAsync(IReadOnlyList<TaskTable> reading, TaskObjects writing, OperationNotes notes, CancellationToken cancellationToken)
    {
        await Target.AddVersioningAsync(writing.Tables, notes, cancellationToken).ConfigureAwait(false);
        var plan = await PlanAsync(writing, cancellationToken).ConfigureAwait(false);
        await Target.CreateProgramsAsync(plan, notes, cancellationToken).ConfigureAwait(false);
        await MoveCountersAsync(reading, writing, plan, notes, cancellationToken).ConfigureAwait(false);
    }

    public async Task MoveCountersAsync(IReadOnlyList<TaskTable> reading, TaskObjects writing, ObjectPlan plan, OperationNotes notes, CancellationToken cancellationToken)
    {
        var next = await Source.NextIdsAsync(reading, cancellationToken).ConfigureAwait(false);
        await Target.MoveCountersAsync(writing.Tables, next, plan, notes, cancellationToken).ConfigureAwait(false);
    }
}
