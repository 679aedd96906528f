namespace OmsSync.Engine.Runtime;

public sealed partial class TaskRunner
{
    private Task RunPhasesAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
