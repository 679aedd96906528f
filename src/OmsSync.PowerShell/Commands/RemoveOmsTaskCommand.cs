using System.Management.Automation;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Deletes tasks with their runtime state and conflict log. Refuses while a worker runs a task unless
/// -Force, which stops the workers first. The databases are not touched.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOmsTaskCommand : OmsCmdlet
{
    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Stops running workers of the task first instead of refusing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        // One object per direction may arrive for the same task: each is removed once.
        foreach (var name in Name.Where(_done.Add))
            Try(name, () => Perform(new TaskService(Service).PlanRemove(name, Force), out _));
    }
}
