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
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "OmsVerification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
    DefaultParameterSetName = AsJobSet)]
[OutputType(typeof(OmsWorkerJob), ParameterSetName = [AsJobSet])]
[OutputType(typeof(OmsVerificationResult), ParameterSetName = [WaitSet])]
public sealed class StartOmsVerificationCommand : OmsCmdlet
{
    public const string AsJobSet = "AsJob";
    public const string WaitSet = "Wait";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Only the task's tables whose source or target name (db.table) matches one of these patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Include { get; set; }

    [Parameter]
    public VerificationMode Mode { get; set; } = VerificationMode.Full;

    /// <summary>Incremental mode: verify rows changed from this time on (default: from now).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter(ParameterSetName = AsJobSet)]
    public SwitchParameter AsJob { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = WaitSet)]
    public SwitchParameter Wait { get; set; }

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name)) return; // one object per direction may arrive for the same task
        var verification = new VerificationService(Service);
        Try(Name, () =>
        {
            var task = Service.Tasks.Get(Name);
            if (!ShouldProcess($"{task.Name} ({task.Source} -> {task.Target}, {Mode})", "Start verification"))
                return;
            var since = Timestamps.From(Since);
            var (run, pid) = verification.Start(task.Name, Mode, Include ?? [], since);
            WriteVerbose($"Verification run {run.Id} of task '{task.Name}' runs in worker process {pid}; its log is {Service.Home.VerificationLog(task.Name)}.");
            if (ParameterSetName == WaitSet)
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
