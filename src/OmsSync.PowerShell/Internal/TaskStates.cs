using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Internal;

/// <summary>Reads tasks' runtime state for display and for the cmdlets that wait on workers.</summary>
internal static class TaskStates
{
    /// <summary>The directions to show: Forward always, Reverse once it has been started.</summary>
    public static IEnumerable<OmsTask> Directions(OmsService service, MigrationTask task)
    {
        yield return Describe(service, task, Direction.Forward);
        if (service.Runtime.Get(task.Name, Direction.Reverse).Status != TaskStatus.Created)
            yield return Describe(service, task, Direction.Reverse);
    }

    public static OmsTask Describe(OmsService service, MigrationTask task, Direction direction)
    {
        var state = service.Status(task.Name, direction);
        // Full migration runs forward; its per-table progress belongs to that direction.
        var tables = direction == Direction.Forward
            ? service.Runtime.TableProgress(task.Name).Select(p => new OmsTableProgress(p)).ToList()
            : [];
        return new OmsTask(task, state, tables, service.Conflicts.PerMinute(task.Name, direction, OmsTask.ConflictWindow));
    }

    /// <summary>The directions a cmdlet acts on: the one named, or else Forward and a Reverse that has been started.</summary>
    public static IEnumerable<Direction> Targeted(OmsService service, string task, Direction? named)
    {
        if (named is { } only)
        {
            yield return only;
            yield break;
        }
        yield return Direction.Forward;
        if (service.Runtime.Get(task, Direction.Reverse).Status != TaskStatus.Created)
            yield return Direction.Reverse;
    }

    /// <summary>True while any direction of the task has a live worker.</summary>
    public static bool IsRunning(OmsService service, string task) =>
        Enum.GetValues<Direction>().Any(d => service.IsWorkerAlive(task, d));

    /// <summary>True once any direction of the task has been started (its definition's objects are then fixed).</summary>
    public static bool HasRun(OmsService service, string task) =>
        service.Runtime.List(task).Any(r => r.Status != TaskStatus.Created);
}
