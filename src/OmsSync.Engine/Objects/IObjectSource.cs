using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Objects;

/// <summary>The objects beyond tables of one kind of source server, and the counters its tables hand out.</summary>
internal interface IObjectSource
{
    /// <summary>The routines, triggers, events and sequences of these databases (PostgreSQL: schemas), and what is only listed.</summary>
    Task<IReadOnlyList<StoredObject>> ReadAsync(IReadOnlyCollection<string> databases, CancellationToken cancellationToken);

    /// <summary>
    /// Per task table with a counter (AUTO_INCREMENT, identity or serial column), keyed by its source name: the next value
    /// the source would hand out.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> NextIdsAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the source's copies of the moved triggers and events from acting while the reverse direction writes to it:
    /// their work already arrives from the target. Each action is reported to <paramref name="done"/> as soon as it is done,
    /// with how to undo it, to be kept for a switch back: an action later in the list may fail, or the process be killed.
    /// </summary>
    Task RetireAsync(IReadOnlyList<PlannedObject> moved, Action<string> done, CancellationToken cancellationToken);
}
