using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Starts the reverse direction of a bidirectional task: changes made on the task's target flow back to its
/// source, from the target position recorded when the forward direction entered its incremental phase.
/// Allowed only while the forward direction runs in that phase.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "OmsReverse", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class EnableOmsReverseCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

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

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            if (task.Topology != Topology.Bidirectional)
            {
                WriteError(OmsErrors.InvalidState("TaskNotBidirectional", task.Name,
                    $"Task '{task.Name}' is one-way. Only a task created with New-OmsTask -Topology Bidirectional has a reverse direction."));
                return;
            }
            var forward = service.Status(task.Name, Direction.Forward);
            if (forward.Status != TaskStatus.Running || forward.Phase != TaskPhase.Incremental || !service.IsWorkerAlive(task.Name, Direction.Forward))
            {
                WriteError(OmsErrors.InvalidState("ForwardNotIncremental", task.Name,
                    $"The forward direction of task '{task.Name}' is {forward.Status} in phase {forward.Phase}; the reverse direction can be enabled only while the forward one runs " +
                    "in its incremental phase. Start it with Start-OmsForward (or Resume-OmsTask) and wait until Get-OmsTask shows Phase Incremental."));
                return;
            }
            if (service.IsWorkerAlive(task.Name, Direction.Reverse))
            {
                WriteError(OmsErrors.InvalidState("TaskAlreadyRunning", task.Name,
                    $"The reverse direction of task '{task.Name}' already runs. Watch it with Get-OmsTask '{task.Name}'."));
                return;
            }
            ConflictRule? rule = null;
            if (ConflictPolicy is { } policy)
            {
                rule = new ConflictRule { Direction = Direction.Reverse, Policy = policy, TimestampColumn = TimestampColumn };
                if (ConflictRuleCheck.CheckShape(rule) is { } problem)
                {
                    WriteError(OmsErrors.InvalidArgument("InvalidConflictPolicy", nameof(ConflictPolicy), task.Name, problem));
                    return;
                }
                _session.Wait(async token => { await ConflictRuleCheck.CheckAgainstTablesAsync(service, task, rule, token).ConfigureAwait(false); return 0; });
            }
            else if (TimestampColumn is not null)
            {
                WriteError(OmsErrors.InvalidArgument("InvalidConflictPolicy", nameof(TimestampColumn), task.Name,
                    "-TimestampColumn goes with -ConflictPolicy NewerWins."));
                return;
            }
            if (!ShouldProcess($"{task.Name} ({task.Target} -> {task.Source})", "Enable reverse synchronization"))
                return;
            if (rule is not null)
                service.Tasks.Update(task with { ConflictRules = ConflictRule.Set(task.ConflictRules, rule) });
            var pid = service.StartWorker(task.Name, Direction.Reverse);
            WriteVerbose($"The reverse direction of task '{task.Name}' runs in worker process {pid}.");
            if (PassThru)
                WriteObject(TaskStates.Describe(service, service.Tasks.Get(task.Name), Direction.Reverse));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is FileNotFoundException or System.ComponentModel.Win32Exception)
        {
            WriteError(OmsErrors.Unexpected(e, "WorkerStartFailed", Name));
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
