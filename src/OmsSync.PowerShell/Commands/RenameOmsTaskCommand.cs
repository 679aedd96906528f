using System.Management.Automation;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Gives a task a new name, with its state, logs and history; it goes on from where it stood (its checkpoints and
/// replication slot on the servers stay its own). Refused while anything of the task runs.
/// </summary>
[Cmdlet(VerbsCommon.Rename, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class RenameOmsTaskCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        if (Perform(new TaskService(Service).PlanRename(Name, NewName), out var renamed) && PassThru)
            WriteObject(new OmsTask(renamed));
    });
}
