using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// One direction of a task as it stands: its definition, what its worker last reported, and (forward) per-table progress
/// and the task's cut-over, once one was asked for.
/// </summary>
public sealed record TaskDirectionState(MigrationTask Task, TaskRuntime Runtime, IReadOnlyList<TableProgress> Tables, CutOver.CutOverState? CutOver = null);
