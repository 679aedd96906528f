using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Objects;

/// <summary>What one kind of target server holds of the objects beyond tables, and how they are made there.</summary>
internal interface IObjectTarget
{
    /// <summary>Why the target cannot hold <paramref name="source"/>, or null when it can.</summary>
    string? Refusal(StoredObject source);

    /// <summary>
    /// The objects made with the schema: sequences at their source value, routines, events disabled. Run again, it
    /// replaces them. Sequences come before tables (a column's default may draw from one), the rest after.
    /// </summary>
    Task CreateWithSchemaAsync(ObjectPlan plan, bool beforeTables, OperationNotes notes, CancellationToken cancellationToken);

    /// <summary>Versioning added to the task's system-versioned tables, which held their row versions as plain rows.</summary>
    Task AddVersioningAsync(IReadOnlyList<TaskTable> tables, OperationNotes notes, CancellationToken cancellationToken);

    /// <summary>Routines and events as the source has them now (events with its status), and the triggers. Run again, it replaces them.</summary>
    Task CreateProgramsAsync(ObjectPlan plan, OperationNotes notes, CancellationToken cancellationToken);

    /// <summary>
    /// Every counter moved past what the source handed out: each table's AUTO_INCREMENT (identity) to the source's next
    /// value, each sequence to its source's; a counter already past stays.
    /// </summary>
    Task MoveCountersAsync(IReadOnlyList<TaskTable> tables, IReadOnlyDictionary<string, long> nextIds, ObjectPlan plan, OperationNotes notes,
        CancellationToken cancellationToken);
}
