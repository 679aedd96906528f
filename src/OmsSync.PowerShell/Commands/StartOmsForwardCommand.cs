using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Jobs;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Starts a task's forward direction in a background worker after its pre-checks pass. Returns a job
/// that follows the worker, or with -Wait shows progress until the finite phases (schema, full
/// migration, indexes) are done or the task stops, then returns the task.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "OmsForward", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = AsJobSet)]
[OutputType(typeof(OmsWorkerJob), ParameterSetName = [AsJobSet])]
[OutputType(typeof(OmsTask), ParameterSetName = [WaitSet])]
public sealed class StartOmsForwardCommand : OmsCmdlet
{
    public const string AsJobSet = "AsJob";
    public const string WaitSet = "Wait";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Returns a job that follows the worker (the default).</summary>
    [Parameter(ParameterSetName = AsJobSet)]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Stays until schema, full migration and indexes are done (or the task stops), showing progress.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WaitSet)]
    public SwitchParameter Wait { get; set; }

    /// <summary>Starts without running the pre-checks of Test-OmsTask first.</summary>
    [Parameter]
    public SwitchParameter SkipPreCheck { get; set; }

    /// <summary>Pre-checks (by name, as Test-OmsTask shows them) whose failure does not stop the start; each is recorded as skipped.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CheckNameCompleter))]
    public string[]? SkipCheck { get; set; }

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name)) return; // one object per direction may arrive for the same task
        Try(Name, () =>
        {
            var plan = Await(token => new TaskControl(Service).PlanStartForwardAsync(Name, SkipPreCheck, SkipCheck, Notes, token));
            WriteNotes();
            if (!Perform(plan, out var started))
                return;
            var task = started.State.Task;
            if (ParameterSetName == WaitSet)
                WaitForFinitePhases(task);
            else
            {
                var job = new OmsWorkerJob(MyInvocation.Line is { Length: > 0 } line ? line.Trim() : $"Start-OmsForward -Name {task.Name}",
                    Service, task.Name, Direction.Forward, started.Pid);
                JobRepository.Add(job);
                WriteObject(job);
            }
        });
    }

    private void WaitForFinitePhases(MigrationTask task)
    {
        var tasks = new TaskService(Service);
        var current = new OmsTask(tasks.Describe(task, Direction.Forward));
        var progress = new ProgressView(1, current);
        while (current.Status == TaskStatus.Running && current.Phase != TaskPhase.Incremental) // Verify without Incremental comes after the copy
        {
            foreach (var record in progress.Update(current))
                WriteProgress(record);
            if (!Pause(PollInterval))
                return; // Ctrl+C: the worker goes on in the background.
            current = new OmsTask(tasks.Describe(task, Direction.Forward));
        }
        foreach (var record in progress.Complete())
            WriteProgress(record);
        if (current.Status == TaskStatus.Failed)
            WriteError(new ErrorRecord(new PSInvalidOperationException(current.Message ?? $"Task '{task.Name}' failed."),
                "TaskFailed", ErrorCategory.OperationStopped, current));
        WriteObject(current);
    }
}
