using System.Management.Automation;
using OmsSync.Engine.CutOver;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Cuts a task over to its target (OMS's forward switchover): checks that the source has stopped writing, lets the
/// forward direction apply everything and stops it at a recorded position, optionally verifies, creates what waited
/// (system versioning, routines, triggers, enabled events), moves every counter past the source's, and with
/// -StartReverse starts the reverse direction. Runs in a background worker and shows its steps; a cut-over cut short
/// is taken up where it stopped by running Switch-OmsTask again.
/// </summary>
[Cmdlet(VerbsCommon.Switch, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(OmsTask))]
public sealed class SwitchOmsTaskCommand : OmsCmdlet
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Switches without checking that the source has stopped writing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Verifies every row once the forward direction has stopped; a difference stops the cut-over before anything is created.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>Starts the reverse direction at the end, so the old source follows the target (bidirectional tasks).</summary>
    [Parameter]
    public SwitchParameter StartReverse { get; set; }

    /// <summary>How long the source must commit nothing on the task's tables (seconds).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int QuietSeconds { get; set; } = CutOverOptions.DefaultQuietSeconds;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name)) return; // Get-OmsTask writes one object per direction
        Try(Name, () =>
        {
            var options = new CutOverOptions(Force, Verify, StartReverse, QuietSeconds);
            var plan = Await(token => new TaskControl(Service).PlanSwitchAsync(Name, options, token));
            if (!Perform(plan, out var started)) return;
            var state = Follow(started);
            if (state is null) return; // Ctrl+C: the cut-over goes on in its worker
            if (state.Status != TaskStatus.Completed)
                throw new OmsException("CutOverFailed", OmsErrorKind.InvalidState, state.Task,
                    $"The cut-over of task '{state.Task}' is {state.Status}: {state.Message} Get-OmsTask '{state.Task}' shows each step.");
            WriteVerbose(state.Message ?? "");
            if (PassThru)
            {
                var tasks = new TaskService(Service);
                WriteObject(tasks.Directions(Service.Tasks.Get(state.Task)).Select(s => new OmsTask(s)).ToList(), enumerateCollection: true);
            }
        });
    }

    /// <summary>Shows the steps as they run until the cut-over ends; null when the pipeline is stopped first.</summary>
    private CutOverState? Follow(CutOverState started)
    {
        var cutovers = new CutOverService(Service);
        var activity = $"Cut-over of task {started.Task}";
        var state = started;
        while (state.Status == TaskStatus.Running)
        {
            var steps = state.Steps.Count;
            var done = state.Steps.Count(s => s.Status is CutOverStepStatus.Done or CutOverStepStatus.Skipped);
            WriteProgress(new ProgressRecord(1, activity, $"Step {Math.Min(done + 1, steps)} of {steps}: {state.Current?.Step}")
            {
                PercentComplete = steps == 0 ? 0 : 100 * done / steps,
            });
            if (!Pause(PollInterval)) return null;
            state = cutovers.Status(started.Task) ?? state;
        }
        WriteProgress(new ProgressRecord(1, activity, "Done.") { RecordType = ProgressRecordType.Completed });
        return state;
    }
}
