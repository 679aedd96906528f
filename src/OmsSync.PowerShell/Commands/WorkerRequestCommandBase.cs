using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// What Suspend-OmsTask and Stop-OmsTask share: ask a task's worker to end at its next safe point (a chunk
/// or transaction boundary) and wait for it; they differ only in the request and its words.
/// </summary>
public abstract class WorkerRequestCommandBase : PSCmdlet, IDisposable
{
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(60);

    private readonly CmdletSession _session = new();
    private readonly DirectionSet _done = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The direction to act on; without it, every direction that has been started.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Direction? Direction { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private protected abstract WorkerRequest Request { get; }
    /// <summary>The action in ShouldProcess, e.g. "Stop task".</summary>
    private protected abstract string Action { get; }
    /// <summary>The warning when no worker runs: what happens to the task's status.</summary>
    private protected abstract string NoWorkerOutcome { get; }
    /// <summary>"stopped" or "suspended", for the warning when the worker is slow to obey.</summary>
    private protected abstract string Done { get; }

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            foreach (var direction in TaskStates.Targeted(service, task.Name, Direction))
                if (_done.Add(task.Name, direction))
                    Handle(service, task, direction);
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(Engine.Runtime.OmsService service, MigrationTask task, Direction direction)
    {
        var wasRunning = service.IsWorkerAlive(task.Name, direction);
        if (!ShouldProcess($"{task.Name} ({direction})", Action))
            return;
        if (!wasRunning)
            WriteWarning($"Task '{task.Name}' ({direction}) has no running worker; {NoWorkerOutcome}");
        var state = _session.Wait(token => service.RequestAsync(task.Name, direction, Request, RequestWait, token));
        if (service.IsWorkerAlive(task.Name, direction))
            WriteWarning($"The worker of task '{task.Name}' ({direction}, pid {state.WorkerPid}) has not {Done} within {RequestWait.TotalSeconds:0} s; it will at its next safe point. Watch it with Get-OmsTask.");
        if (PassThru)
            WriteObject(TaskStates.Describe(service, task, direction));
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
