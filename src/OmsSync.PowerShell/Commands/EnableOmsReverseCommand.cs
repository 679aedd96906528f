using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Starts the reverse direction of a bidirectional task: changes made on the task's target flow back to its
/// source, from the target position recorded when the forward direction entered its incremental phase.
/// Allowed only while the forward direction runs in that phase.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "OmsReverse", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class EnableOmsReverseCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The reverse direction's conflict policy for all tables (Set-OmsConflictPolicy -Direction Reverse).</summary>
    [Parameter]
    public ConflictPolicy? ConflictPolicy { get; set; }

    /// <summary>For -ConflictPolicy NewerWins: the column whose larger value marks the newer row.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimestampColumn { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var plan = Await(token => new TaskControl(Service).PlanEnableReverseAsync(Name, ConflictPolicy, TimestampColumn, token));
        if (Perform(plan, out var started) && PassThru)
            WriteObject(new OmsTask(started.State));
    });
}
