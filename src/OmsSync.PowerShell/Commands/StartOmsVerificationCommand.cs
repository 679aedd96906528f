using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Jobs;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Verifies a task's tables (its renames, row filters and column selection applied) in a background worker:
/// chunk checksums on both sides at once, differing chunks narrowed to rows, every differing row read again
/// after the task's lag. Returns a job, or with -Wait shows progress and returns the per-table results.
/// With -Source and -Target it compares two data sources directly (OMS data validation tasks): it defines a
/// verification task of those objects (-MigrationType Verify) and runs it, so results, detail and repair work as for any task.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "OmsVerification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
    DefaultParameterSetName = AsJobSet)]
[OutputType(typeof(OmsWorkerJob), ParameterSetName = [AsJobSet, PairAsJobSet])]
[OutputType(typeof(OmsVerificationResult), ParameterSetName = [WaitSet, PairWaitSet])]
public sealed class StartOmsVerificationCommand : OmsCmdlet
{
    public const string AsJobSet = "AsJob";
    public const string WaitSet = "Wait";
    public const string PairAsJobSet = "SourceTargetAsJob";
    public const string PairWaitSet = "SourceTargetWait";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The task to verify; with -Source and -Target, the name of the verification task to define (default: one made up).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = AsJobSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = WaitSet)]
    [Parameter(Position = 0, ParameterSetName = PairAsJobSet)]
    [Parameter(Position = 0, ParameterSetName = PairWaitSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>
    /// Only the task's tables whose source or target name (db.table) matches one of these patterns; with -Source and
    /// -Target, the objects to compare (as New-OmsTask -Include).
    /// </summary>
    [Parameter(ParameterSetName = AsJobSet)]
    [Parameter(ParameterSetName = WaitSet)]
    [Parameter(Mandatory = true, ParameterSetName = PairAsJobSet)]
    [Parameter(Mandatory = true, ParameterSetName = PairWaitSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Include { get; set; }

    /// <summary>The data source whose rows are the reference, compared directly without a sync task.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PairAsJobSet)]
    [Parameter(Mandatory = true, ParameterSetName = PairWaitSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string Source { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = PairAsJobSet)]
    [Parameter(Mandatory = true, ParameterSetName = PairWaitSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string Target { get; set; } = "";

    [Parameter(ParameterSetName = PairAsJobSet)]
    [Parameter(ParameterSetName = PairWaitSet)]
    [SupportsWildcards]
    public string[]? Exclude { get; set; }

    [Parameter(ParameterSetName = PairAsJobSet)]
    [Parameter(ParameterSetName = PairWaitSet)]
    public System.Collections.Hashtable? Rename { get; set; }

    [Parameter(ParameterSetName = PairAsJobSet)]
    [Parameter(ParameterSetName = PairWaitSet)]
    public System.Collections.Hashtable? RowFilter { get; set; }

    [Parameter(ParameterSetName = PairAsJobSet)]
    [Parameter(ParameterSetName = PairWaitSet)]
    public System.Collections.Hashtable? Column { get; set; }

    [Parameter]
    public VerificationMode Mode { get; set; } = VerificationMode.Full;

    /// <summary>Incremental mode: verify rows changed from this time on (default: from now).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter(ParameterSetName = AsJobSet)]
    [Parameter(ParameterSetName = PairAsJobSet)]
    public SwitchParameter AsJob { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = WaitSet)]
    [Parameter(Mandatory = true, ParameterSetName = PairWaitSet)]
    public SwitchParameter Wait { get; set; }

    private bool BetweenSources => ParameterSetName is PairAsJobSet or PairWaitSet;

    protected override void ProcessRecord()
    {
        if (BetweenSources && Name.Length == 0)
            Name = $"verify-{Source}-{Target}-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        if (!_done.Add(Name)) return; // one object per direction may arrive for the same task
        var verification = new VerificationService(Service);
        Try(Name, () =>
        {
            if (BetweenSources && !DefineVerificationTask()) return;
            var task = Service.Tasks.Get(Name);
            if (!ShouldProcess($"{task.Name} ({task.Source} -> {task.Target}, {Mode})", "Start verification"))
                return;
            var since = Timestamps.From(Since);
            var (run, pid) = verification.Start(task.Name, Mode, BetweenSources ? [] : Include ?? [], since);
            WriteVerbose($"Verification run {run.Id} of task '{task.Name}' runs in worker process {pid}; its log is {Service.Home.VerificationLog(task.Name)}.");
            if (ParameterSetName is WaitSet or PairWaitSet)
                WaitForRun(verification, task.Name, run.Id);
            else
            {
                var job = new OmsWorkerJob(MyInvocation.Line is { Length: > 0 } line ? line.Trim() : $"Start-OmsVerification -Name {task.Name}",
                    task.Name, Direction.Forward, pid, new VerificationFollower(verification, run.Id));
                JobRepository.Add(job);
                WriteObject(job);
            }
        });
    }

    /// <summary>The task that compares -Source with -Target: only a Verify phase, checked as New-OmsTask checks a task.</summary>
    private bool DefineVerificationTask() => Perform(new Engine.Tasks.TaskService(Service).PlanCreate(new Engine.Tasks.NewTaskRequest
    {
        Name = Name,
        Source = Source,
        Target = Target,
        Include = Include ?? [],
        Exclude = Exclude,
        Renames = Maps.From(Rename),
        RowFilters = Maps.From(RowFilter),
        Columns = Maps.From(Column),
        MigrationTypes = [MigrationTypes.Verify],
    }), out _);

    private void WaitForRun(VerificationService verification, string task, long runId)
    {
        var progress = new VerificationProgressView(1, task);
        var run = verification.Status(runId);
        var shown = System.Diagnostics.Stopwatch.StartNew();
        while (run.Status == TaskStatus.Running)
        {
            // The end is noticed within a poll; progress is drawn less often, as drawing it costs the host CPU the servers could use.
            if (shown.Elapsed >= ProgressInterval)
            {
                foreach (var record in progress.Update(VerificationFollower.Results(verification, runId).ToList(), run.Message))
                    WriteProgress(record);
                shown.Restart();
            }
            if (!Pause(PollInterval))
                return; // Ctrl+C: the worker goes on in the background.
            run = verification.Status(runId);
        }
        foreach (var record in progress.Complete())
            WriteProgress(record);
        if (run.Status == TaskStatus.Failed)
            WriteError(new ErrorRecord(new PSInvalidOperationException(run.Message ?? $"The verification of task '{task}' failed."),
                "VerificationFailed", ErrorCategory.OperationStopped, task));
        WriteObject(VerificationFollower.Results(verification, runId), enumerateCollection: true);
    }
}
