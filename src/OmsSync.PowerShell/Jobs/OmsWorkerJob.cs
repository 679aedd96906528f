using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Jobs;

/// <summary>
/// A PowerShell job that follows a task's background worker through the state store, so that
/// Get-Job, Wait-Job, Receive-Job and Stop-Job work on OmsSync tasks. The worker is a separate process
/// and outlives the session; removing the job does not stop it, Stop-Job does.
/// Worker Running is job Running, Completed is Completed (the task object is the job's output),
/// Failed is Failed (the worker's message is in the job's error stream), Suspended and Stopped are Stopped.
/// </summary>
public sealed class OmsWorkerJob : Job
{
    public const string JobTypeName = "OmsWorkerJob";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);

    private readonly IWorkerFollower _follower;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private string _statusMessage = "Starting.";
    private bool _finished;

    internal OmsWorkerJob(string command, OmsService service, string task, Direction direction, int workerPid)
        : this(command, task, direction, workerPid, new TaskWorkerFollower(service, task, direction))
    {
    }

    /// <summary>A job that follows another kind of worker (a verification's, say) through <paramref name="follower"/>.</summary>
    internal OmsWorkerJob(string command, string task, Direction direction, int workerPid, IWorkerFollower follower)
        : base(command, task)
    {
        _follower = follower;
        TaskName = task;
        Direction = direction;
        WorkerPid = workerPid;
        PSJobTypeName = JobTypeName;
        SetJobState(JobState.Running);
        _timer = new Timer(_ => Poll(), null, PollInterval, PollInterval);
    }

    public string TaskName { get; }
    public Direction Direction { get; }
    /// <summary>The process id of the worker this job follows.</summary>
    public int WorkerPid { get; }
    /// <summary>The task's phase as last seen.</summary>
    public TaskPhase Phase { get; private set; }

    public override string StatusMessage => _statusMessage;

    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0;

    public override string Location => $"{Environment.MachineName} (pid {WorkerPid})";

    /// <summary>Asks the worker to stop at a safe point and waits up to a minute for it to go.</summary>
    public override void StopJob()
    {
        lock (_gate)
        {
            if (_finished) return;
        }
        try
        {
            SetJobState(JobState.Stopping);
            _follower.Stop(StopWait);
        }
        catch (Exception e)
        {
            Error.Add(OmsErrors.Unexpected(e, "StopJobFailed", TaskName));
        }
        Poll();
        Finish(JobState.Stopped, "Stopped.");
    }

    /// <summary>Reads the worker's state once and moves the job along; never throws (it runs on a timer thread).</summary>
    private void Poll()
    {
        lock (_gate)
        {
            if (_finished) return;
        }
        try
        {
            var (status, phase, message) = _follower.Read();
            Phase = phase;
            _statusMessage = message ?? $"{status} ({phase})";
            switch (status)
            {
                case TaskStatus.Completed:
                    foreach (var output in _follower.Describe()) Output.Add(PSObject.AsPSObject(output));
                    Finish(JobState.Completed, _statusMessage);
                    break;
                case TaskStatus.Failed:
                    Error.Add(new ErrorRecord(new PSInvalidOperationException(message ?? $"Task '{TaskName}' ({Direction}) failed."),
                        "TaskFailed", ErrorCategory.OperationStopped, TaskName));
                    Finish(JobState.Failed, _statusMessage);
                    break;
                case TaskStatus.Suspended:
                case TaskStatus.Stopped:
                    foreach (var output in _follower.Describe()) Output.Add(PSObject.AsPSObject(output));
                    Finish(JobState.Stopped, _statusMessage);
                    break;
            }
        }
        catch (OmsException e) when (e.Kind == OmsErrorKind.NotFound)
        {
            Error.Add(OmsErrors.From(e, TaskName));
            Finish(JobState.Failed, e.Message);
        }
        catch (Exception e)
        {
            // A busy or briefly unreadable state store: try again at the next tick.
            _statusMessage = $"Cannot read the task's state now: {e.Message}";
        }
    }

    private void Finish(JobState state, string message)
    {
        lock (_gate)
        {
            if (_finished) return;
            _finished = true;
            _statusMessage = message;
        }
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        SetJobState(state);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _timer.Dispose();
        base.Dispose(disposing);
    }
}
