using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Jobs;

/// <summary>What an <see cref="OmsWorkerJob"/> follows: a worker's state as the state store has it, how to stop it, and what it leaves as output.</summary>
internal interface IWorkerFollower
{
    /// <summary>The worker's status, phase and message now (a dead worker reads as Failed).</summary>
    (Engine.Model.TaskStatus Status, TaskPhase Phase, string? Message) Read();

    /// <summary>Asks the worker to stop at a safe point and waits for it a while.</summary>
    void Stop(TimeSpan wait);

    /// <summary>The objects the job outputs when the worker ends.</summary>
    IEnumerable<object> Describe();
}

/// <summary>Follows one direction of a task's worker.</summary>
internal sealed class TaskWorkerFollower(OmsService service, string task, Direction direction) : IWorkerFollower
{
    public (Engine.Model.TaskStatus, TaskPhase, string?) Read()
    {
        var state = service.Status(task, direction);
        return (state.Status, state.Phase, state.Message);
    }

    public void Stop(TimeSpan wait) =>
        service.RequestAsync(task, direction, WorkerRequest.Stop, wait, CancellationToken.None).GetAwaiter().GetResult();

    public IEnumerable<object> Describe() => [new OmsTask(new TaskService(service).Describe(service.Tasks.Get(task), direction))];
}
