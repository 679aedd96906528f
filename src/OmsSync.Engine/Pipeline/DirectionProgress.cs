using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Where a direction stands against its source at one moment: the source's end then, the position the target's
/// checkpoint holds, and how many source transactions that changed the task's tables it has applied in all.
/// </summary>
internal sealed record DirectionProgress(SourcePosition Head, SourcePosition? Applied, long Transactions)
{
    /// <summary>True once the target holds everything the source had committed when <see cref="Head"/> was read.</summary>
    public bool Reached(SourcePosition head) => Applied is not null && Applied.CompareTo(head) >= 0;
}
