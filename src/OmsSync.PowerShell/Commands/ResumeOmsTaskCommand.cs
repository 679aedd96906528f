using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Starts a new worker for a suspended, stopped or failed task's direction; it continues from its checkpoint.</summary>
[Cmdlet(VerbsLifecycle.Resume, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class ResumeOmsTaskCommand : OmsCmdlet
{
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

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var control = new TaskControl(Service);
        foreach (var direction in control.ResumeTargets(Name, Direction).Where(d => _done.Add(Name, d)))
            Try(Name, () =>
            {
                if (Perform(control.PlanResume(Name, direction), out var started) && PassThru)
                    WriteObject(new OmsTask(started.State));
            });
    });
}
