using System.Management.Automation;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Skips the DDL a task is paused at (OMS "How do I skip DDL statements?"): records it as skipped, moves the
/// task's checkpoint past it without applying it to the target, and resumes the task.
/// </summary>
[Cmdlet(VerbsCommon.Skip, "OmsDdl", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(OmsDdl))]
public sealed class SkipOmsDdlCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        if (Perform(new TaskControl(Service).PlanSkipDdl(Name), out var done) && PassThru)
            WriteObject(new OmsDdl(done.Skipped));
    });
}
