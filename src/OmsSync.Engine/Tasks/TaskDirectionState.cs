using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// One direction of a task as it stands: its definition, what its worker last reported, (forward) per-table progress and
/// the task's cut-over once one was asked for, and the conflicts it met per minute by type over <see cref="ConflictWindow"/>.
/// </summary>
public sealed record TaskDirectionState(MigrationTask Task, TaskRuntime Runtime, IReadOnlyList<TableProgress> Tables,
    IReadOnlyDictionary<Conflicts.ConflictType, double> ConflictsPerMinute, CutOver.CutOverState? CutOver = null)
{
    /// <summary>The span <see cref="ConflictsPerMinute"/> averages over.</summary>
    public static readonly TimeSpan ConflictWindow = TimeSpan.FromMinutes(5);
}
