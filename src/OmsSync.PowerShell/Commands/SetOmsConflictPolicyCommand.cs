using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Sets how a task handles conflicts, for all its tables or those matching -Table, in one direction or both.
/// A running worker picks the change up within seconds, without a restart.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OmsConflictPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConflictRule))]
public sealed class SetOmsConflictPolicyCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    public ConflictPolicy Policy { get; set; }

    /// <summary>db.table, wildcards allowed, matched against the table's source or target name; all tables when left out.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string? Table { get; set; }

    /// <summary>The direction the policy is for; both when left out.</summary>
    [Parameter]
    public Direction? Direction { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimestampColumn { get; set; }

    /// <summary>Check updates and deletes against the source's before-image and record UpdateStale conflicts.</summary>
    [Parameter]
    public SwitchParameter DetectStale { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var rule = new ConflictRule { Table = Table, Direction = Direction, Policy = Policy, TimestampColumn = TimestampColumn, DetectStale = DetectStale };
        var plan = Await(token => new TaskControl(Service).PlanSetConflictPolicyAsync(Name, rule, token));
        if (Perform(plan, out var set) && PassThru)
            WriteObject(set);
    });
}
