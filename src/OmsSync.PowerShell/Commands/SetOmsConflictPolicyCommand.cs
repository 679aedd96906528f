using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Sets how a task handles conflicts, for all its tables or those matching -Table, in one direction or both.
/// A running worker picks the change up within seconds, without a restart.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OmsConflictPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConflictRule))]
public sealed class SetOmsConflictPolicyCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

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

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            var rule = new ConflictRule { Table = Table, Direction = Direction, Policy = Policy, TimestampColumn = TimestampColumn, DetectStale = DetectStale };
            if (ConflictRuleCheck.CheckShape(rule) is { } problem)
            {
                WriteError(OmsErrors.InvalidArgument("InvalidConflictPolicy", Policy == ConflictPolicy.NewerWins ? nameof(TimestampColumn) : nameof(Policy), task.Name, problem));
                return;
            }
            _session.Wait(async token => { await ConflictRuleCheck.CheckAgainstTablesAsync(service, task, rule, token).ConfigureAwait(false); return 0; });
            if (!ShouldProcess($"{task.Name}: {rule}", "Set conflict policy"))
                return;
            var current = service.Tasks.Get(task.Name);
            service.Tasks.Update(current with { ConflictRules = ConflictRule.Set(current.ConflictRules, rule) });
            if (PassThru)
                WriteObject(rule);
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
