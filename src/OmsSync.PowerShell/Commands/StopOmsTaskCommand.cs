using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Ends a task's direction at a safe point (a chunk or transaction boundary). A stopped task can still be resumed from its checkpoint with Resume-OmsTask.</summary>
[Cmdlet(VerbsLifecycle.Stop, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class StopOmsTaskCommand : PSCmdlet, IDisposable
{
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(60);

    private readonly CmdletSession _session = new();
    private readonly DirectionSet _done = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Direction Direction { get; set; } = Direction.Forward;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name, Direction)) return;
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            var wasRunning = service.IsWorkerAlive(task.Name, Direction);
            if (!ShouldProcess($"{task.Name} ({Direction})", "Stop task"))
                return;
            if (!wasRunning)
                WriteWarning($"Task '{task.Name}' ({Direction}) has no running worker; it is marked Stopped unless it completed.");
            var state = _session.Wait(token => service.RequestAsync(task.Name, Direction, WorkerRequest.Stop, RequestWait, token));
            if (service.IsWorkerAlive(task.Name, Direction))
                WriteWarning($"The worker of task '{task.Name}' ({Direction}, pid {state.WorkerPid}) has not stopped within {RequestWait.TotalSeconds:0} s; it will at its next safe point. Watch it with Get-OmsTask.");
            if (PassThru)
                WriteObject(TaskStates.Describe(service, task, Direction));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
