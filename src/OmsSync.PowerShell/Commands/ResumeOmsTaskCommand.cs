using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Commands;

/// <summary>Starts a new worker for a suspended, stopped or failed task's direction; it continues from its checkpoint.</summary>
[Cmdlet(VerbsLifecycle.Resume, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class ResumeOmsTaskCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();
    private readonly DirectionSet _done = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The direction to resume; without it, every started direction that has no live worker.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Direction? Direction { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            foreach (var direction in TaskStates.Targeted(service, task.Name, Direction))
            {
                // Without -Direction, a direction that runs already is left alone rather than reported.
                if (Direction is null && service.IsWorkerAlive(task.Name, direction)) continue;
                if (_done.Add(task.Name, direction))
                    Resume(service, task, direction);
            }
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
    }

    private void Resume(Engine.Runtime.OmsService service, MigrationTask task, Direction direction)
    {
        try
        {
            var state = service.Status(task.Name, direction);
            if (service.IsWorkerAlive(task.Name, direction))
            {
                WriteError(OmsErrors.InvalidState("TaskAlreadyRunning", task.Name,
                    $"Task '{task.Name}' ({direction}) already has a running worker. Watch it with Get-OmsTask."));
                return;
            }
            if (state.Status == TaskStatus.Created)
            {
                WriteError(OmsErrors.InvalidState("TaskNeverStarted", task.Name, direction == Engine.Model.Direction.Forward
                    ? $"Task '{task.Name}' has never been started, so there is nothing to resume. Start it with Start-OmsForward, which runs the pre-checks first."
                    : $"The reverse direction of task '{task.Name}' has never been started, so there is nothing to resume."));
                return;
            }
            if (!ShouldProcess($"{task.Name} ({direction}, {state.Status} in phase {state.Phase})", "Resume task"))
                return;
            var pid = service.StartWorker(task.Name, direction);
            WriteVerbose($"Task '{task.Name}' ({direction}) resumes in worker process {pid}.");
            if (PassThru)
                WriteObject(TaskStates.Describe(service, task, direction));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
        catch (Exception e) when (e is FileNotFoundException or System.ComponentModel.Win32Exception)
        {
            WriteError(OmsErrors.Unexpected(e, "WorkerStartFailed", Name));
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
