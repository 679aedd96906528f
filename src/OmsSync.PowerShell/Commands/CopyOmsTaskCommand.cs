using System.Management.Automation;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Creates a task with another task's whole definition under a new name (and, if given, other data sources); the copy has not run.</summary>
[Cmdlet(VerbsCommon.Copy, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OmsTask))]
public sealed class CopyOmsTaskCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string? Source { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string? Target { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        if (Perform(new TaskService(Service).PlanImport(Service.Tasks.Get(Name), NewName, Source, Target), out var created))
            WriteObject(new OmsTask(created));
    });
}
