using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// What Suspend-OmsTask and Stop-OmsTask share: ask a task's worker to end at its next safe point (a chunk
/// or transaction boundary) and wait for it; they differ only in the request.
/// </summary>
public abstract class WorkerRequestCommandBase : OmsCmdlet
{
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

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var control = new TaskControl(Service);
        foreach (var direction in new TaskService(Service).Targeted(Name, Direction).Where(d => _done.Add(Name, d)))
            Try(Name, () =>
            {
                if (Perform(control.PlanRequest(Name, direction, Request), out var state) && PassThru)
                    WriteObject(new OmsTask(state));
            });
    });
}
