using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
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
public sealed class StartOmsForwardCommand : PSCmdlet, IDisposable
{
    public const string AsJobSet = "AsJob";
    public const string WaitSet = "Wait";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly CmdletSession _session = new();
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

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name)) return; // one object per direction may arrive for the same task
        var service = _session.Service;
        MigrationTask task;
        try
        {
            task = service.Tasks.Get(Name);
            if (service.IsWorkerAlive(task.Name, Direction.Forward))
            {
                WriteError(OmsErrors.InvalidState("TaskAlreadyRunning", task.Name,
                    $"Task '{task.Name}' (Forward) already has a running worker. Watch it with Get-OmsTask, or stop it with Stop-OmsTask."));
                return;
            }
            if (!SkipPreCheck)
                PreCheck(task);
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!ShouldProcess($"{task.Name} ({task.Source} -> {task.Target}, {task.MigrationTypes})", "Start forward migration"))
            return;
        int pid;
        try
        {
            pid = service.StartWorker(task.Name, Direction.Forward);
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, task.Name));
            return;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            WriteError(OmsErrors.Unexpected(e, "WorkerStartFailed", task.Name));
            return;
        }
        WriteVerbose($"Task '{task.Name}' (Forward) runs in worker process {pid}; its log is {service.Home.WorkerLog(task.Name, Direction.Forward)}.");

        if (ParameterSetName == WaitSet)
            WaitForFinitePhases(task);
        else
        {
            var job = new OmsWorkerJob(MyInvocation.Line is { Length: > 0 } line ? line.Trim() : $"Start-OmsForward -Name {task.Name}",
                service, task.Name, Direction.Forward, pid);
            JobRepository.Add(job);
            WriteObject(job);
        }
    }

    private void PreCheck(MigrationTask task)
    {
        var checks = _session.Wait(token => _session.Service.TestTaskAsync(task.Name, token));
        foreach (var check in checks)
        {
            WriteVerbose($"Pre-check {check.Check} [{check.Target}]: {check.Status}. {check.Message}");
            if (check.Status == CheckStatus.Warn)
                WriteWarning($"Pre-check {check.Check} ({check.Target}): {check.Message}");
        }
        var failed = checks.Where(c => c.Status == CheckStatus.Fail).ToList();
        if (failed.Count == 0) return;
        var list = string.Join(Environment.NewLine, failed.Select(c => $"  {c.Check} ({c.Target}): {c.Message}"));
        ThrowTerminatingError(new ErrorRecord(
            new PSInvalidOperationException($"Task '{task.Name}' was not started: {failed.Count} pre-check(s) failed.{Environment.NewLine}{list}{Environment.NewLine}" +
                                            "Fix them and run Start-OmsForward again; Test-OmsTask shows every check."),
            "PreCheckFailed", ErrorCategory.InvalidOperation, task.Name));
    }

    private void WaitForFinitePhases(MigrationTask task)
    {
        var service = _session.Service;
        var current = TaskStates.Describe(service, task, Direction.Forward);
        var progress = new ProgressView(1, current);
        while (current.Status == TaskStatus.Running && current.Phase != TaskPhase.Incremental) // Verify without Incremental comes after the copy
        {
            foreach (var record in progress.Update(current))
                WriteProgress(record);
            if (!_session.Pause(PollInterval))
                return; // Ctrl+C: the worker goes on in the background.
            current = TaskStates.Describe(service, task, Direction.Forward);
        }
        foreach (var record in progress.Complete())
            WriteProgress(record);
        if (current.Status == TaskStatus.Failed)
            WriteError(new ErrorRecord(new PSInvalidOperationException(current.Message ?? $"Task '{task.Name}' failed."),
                "TaskFailed", ErrorCategory.OperationStopped, current));
        WriteObject(current);
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
