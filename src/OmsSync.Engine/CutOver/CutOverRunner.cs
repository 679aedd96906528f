using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.CutOver;

/// <summary>
/// Runs a task's cut-over (OMS's forward switchover) step by step, each recorded before and after it runs, so a process
/// killed in the middle is followed by one that takes the cut-over up at the step it was in. Every step can be run again:
/// the forward direction's stop reads where it stands, creation replaces, counters only move forward.
/// </summary>
internal sealed class CutOverRunner
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);
    private readonly OmsService _service;
    private readonly MigrationTask _task;
    private readonly Action<string> _log;
    private readonly CutOverStore _cutovers;

    public CutOverRunner(OmsService service, MigrationTask task, Action<string> log)
    {
        _service = service;
        _task = task;
        _log = log;
        _cutovers = new CutOverStore(service.Store);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var state = _cutovers.Get(_task.Name) ?? throw new OmsException("CutOverNotFound", OmsErrorKind.NotFound, _task.Name,
            $"Task '{_task.Name}' has no cut-over to run. Start one with Switch-OmsTask.");
        var pairing = new Pairing(_service.Store, _task, _log);
        var plan = await pairing.ForwardAsync(cancellationToken).ConfigureAwait(false);
        var pipeline = plan.Pipeline ?? throw new OmsException("TaskNotIncremental", OmsErrorKind.InvalidState, _task.Name,
            $"Task '{_task.Name}' has no incremental synchronization, so there is nothing to switch over.");
        // Read once a run, by the first step that needs them; the steps before RetireSource change nothing on the source.
        Task<ObjectPlan>? objects = null;
        Task<ObjectPlan> Objects() => objects ??= plan.Objects.PlanAsync(plan.Shaped, cancellationToken);
        foreach (var step in state.Steps.Where(s => s.Status is not (CutOverStepStatus.Done or CutOverStepStatus.Skipped)))
        {
            _cutovers.SetStep(_task.Name, step.Step, CutOverStepStatus.Running);
            _log($"step {step.Step}");
            FaultPoints.Hit(_task.Name, "cutover-" + step.Step);
            var notes = new OperationNotes();
            var saved = new List<string>();
            try
            {
                var (status, detail) = await RunStepAsync(step, state, plan, pipeline, Objects, saved, notes, cancellationToken).ConfigureAwait(false);
                var noted = notes.Drain().Select(n => (n.Warning ? "Warning: " : "") + n.Text).ToList();
                if (noted.Count > 0) detail = string.Join(Environment.NewLine, [detail, .. noted]);
                _cutovers.SetStep(_task.Name, step.Step, status, detail);
                _log($"step {step.Step} {status}: {detail}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // What the step saved as it went stays in front of the error: it may be all that is left of work already done.
                _cutovers.SetStep(_task.Name, step.Step, CutOverStepStatus.Failed, string.Join(Environment.NewLine, [.. saved, FailedMark + e.Message]));
                throw;
            }
            finally
            {
                notes.DrainTo(_log);
            }
        }
    }

    /// <summary>Starts the error a failed step's detail ends with, so that taking the step up again can leave it out.</summary>
    private const string FailedMark = "Failed: ";

    /// <param name="saved">Lines the step saved in its detail as it went (still Running), to be kept if it fails.</param>
    private async Task<(CutOverStepStatus, string)> RunStepAsync(CutOverStepState earlier, CutOverState state, DirectionPlan plan, ChangePipeline pipeline,
        Func<Task<ObjectPlan>> objects, List<string> saved, OperationNotes notes, CancellationToken cancellationToken)
    {
        var step = earlier.Step;
        switch (step)
        {
            case CutOverStep.QuietCheck:
                if (state.Options.Force) return (CutOverStepStatus.Skipped, "Not checked (-Force).");
                return (CutOverStepStatus.Done, await CheckQuietAsync(pipeline, state.Options.QuietSeconds, cancellationToken).ConfigureAwait(false));
            case CutOverStep.StopForward:
                var resumed = earlier.Status is CutOverStepStatus.Running or CutOverStepStatus.Failed;
                return (CutOverStepStatus.Done, await StopForwardAsync(pipeline, resumed, cancellationToken).ConfigureAwait(false));
            case CutOverStep.Verify:
                return (CutOverStepStatus.Done, await VerifyAsync(cancellationToken).ConfigureAwait(false));
            case CutOverStep.Versioning:
                var versioned = plan.Shaped.Tables.Where(t => t.Schema.Versioning is not null).ToList();
                if (versioned.Count == 0) return (CutOverStepStatus.Skipped, "No system-versioned table.");
                await plan.Objects.Target.AddVersioningAsync(versioned, notes, cancellationToken).ConfigureAwait(false);
                return (CutOverStepStatus.Done, $"System versioning added to {string.Join(", ", versioned.Select(t => t.Mapping.Target))}.");
            case CutOverStep.Programs:
            {
                var planned = await objects().ConfigureAwait(false);
                await plan.Objects.Target.CreateProgramsAsync(planned, notes, cancellationToken).ConfigureAwait(false);
                var made = planned.Moved.Where(m => m.Source.Kind is not StoredObjectKind.Sequence).ToList();
                return made.Count == 0 ? (CutOverStepStatus.Skipped, "No routine, trigger or event to create.")
                    : (CutOverStepStatus.Done, $"Created as on the source: {string.Join(", ", made.Select(m => $"{Kind(m)} {m.Target}"))}.");
            }
            case CutOverStep.Counters:
                await plan.Objects.MoveCountersAsync(plan.Reading, plan.Shaped, await objects().ConfigureAwait(false), notes, cancellationToken).ConfigureAwait(false);
                return (CutOverStepStatus.Done, "Every AUTO_INCREMENT counter, identity column and sequence is past what the source handed out.");
            case CutOverStep.RetireSource:
            {
                // A trigger dropped is gone from the source, so a later attempt no longer plans it: the attempts before this one
                // left its restore statement in the detail, and each action of this one is saved there once done.
                saved.AddRange(EarlierActions(earlier));
                var planned = await objects().ConfigureAwait(false);
                await plan.Objects.Source.RetireAsync(planned.Of(StoredObjectKind.Trigger).Concat(planned.Of(StoredObjectKind.Event)).ToList(), action =>
                {
                    saved.Add(action);
                    _cutovers.SetStep(_task.Name, step, CutOverStepStatus.Running, string.Join(Environment.NewLine, saved));
                    FaultPoints.Hit(_task.Name, "cutover-retired-one");
                }, cancellationToken).ConfigureAwait(false);
                return saved.Count == 0 ? (CutOverStepStatus.Skipped, "No trigger or event of the source acts on the task's tables.")
                    : (CutOverStepStatus.Done, string.Join(Environment.NewLine, saved));
            }
            case CutOverStep.StartReverse:
                if (_service.IsWorkerAlive(_task.Name, Direction.Reverse))
                    return (CutOverStepStatus.Done, "The reverse direction runs already.");
                var pid = _service.StartWorker(_task.Name, Direction.Reverse);
                return (CutOverStepStatus.Done, $"The reverse direction runs in worker process {pid}: changes on '{_task.Target}' flow back to '{_task.Source}'.");
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, null);
        }
    }

    /// <summary>The actions an earlier attempt at the step saved: its detail up to the error it may have failed with.</summary>
    private static IEnumerable<string> EarlierActions(CutOverStepState earlier) =>
        earlier.Detail is null ? [] : earlier.Detail.Split(Environment.NewLine).TakeWhile(line => !line.StartsWith(FailedMark, StringComparison.Ordinal));

    private static string Kind(PlannedObject planned) => planned.Source.Kind.ToString().ToLowerInvariant();

    /// <summary>
    /// The source must commit no transaction on the task's tables over the window: the target's checkpoint counts those
    /// it applied, and is read once the target has caught up with the source's end at the window's start and again at its end.
    /// </summary>
    private async Task<string> CheckQuietAsync(ChangePipeline pipeline, int seconds, CancellationToken cancellationToken)
    {
        EnsureForwardIncremental(_service, _task);
        var first = await ReachEndAsync(pipeline, cancellationToken).ConfigureAwait(false);
        _log($"caught up at {first.Applied}; watching the source for {seconds} s");
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        var second = await ReachEndAsync(pipeline, cancellationToken).ConfigureAwait(false);
        var written = second.Transactions - first.Transactions;
        if (written > 0)
            throw new OmsException("SourceStillWriting", OmsErrorKind.InvalidState, _task.Name,
                $"The source committed {written} transaction(s) on the tables of task '{_task.Name}' in the last {seconds} s, so it has not stopped writing. " +
                "Stop the application's writes (and the source's events that write these tables), then run Switch-OmsTask again; -Force skips this check. " +
                "Nothing was changed: the forward direction still runs.");
        return $"The source committed nothing on the task's tables for {seconds} s (up to {second.Applied}).";
    }

    /// <summary>
    /// Lets the forward direction apply everything the source has committed, then stops it and records where it stopped.
    /// When this step is taken up again, a forward direction found stopped was stopped by it at the end (it is only asked to
    /// stop once it has caught up); one that died is started again to catch up first.
    /// </summary>
    private async Task<string> StopForwardAsync(ChangePipeline pipeline, bool resumed, CancellationToken cancellationToken)
    {
        var runtime = _service.Runtime;
        while (!_service.IsWorkerAlive(_task.Name, Direction.Forward))
        {
            var status = _service.Status(_task.Name, Direction.Forward);
            if (resumed && status.Status == Model.TaskStatus.Stopped) break;
            _log($"the forward direction is {status.Status}; starting it to apply what the source committed");
            _service.StartWorker(_task.Name, Direction.Forward);
            await WaitAsync(() => _service.IsWorkerAlive(_task.Name, Direction.Forward) && runtime.Get(_task.Name, Direction.Forward).Phase == TaskPhase.Incremental,
                TimeSpan.FromMinutes(10), "the forward direction to start its incremental phase", cancellationToken).ConfigureAwait(false);
        }
        if (_service.IsWorkerAlive(_task.Name, Direction.Forward))
        {
            await ReachEndAsync(pipeline, cancellationToken).ConfigureAwait(false);
            await _service.RequestAsync(_task.Name, Direction.Forward, WorkerRequest.Stop, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            if (_service.IsWorkerAlive(_task.Name, Direction.Forward))
                throw new OmsException("ForwardStopTimedOut", OmsErrorKind.InvalidState, _task.Name,
                    $"The forward worker of task '{_task.Name}' did not stop within 60 s. Run Switch-OmsTask again to take the cut-over up here.");
        }
        var stopped = await pipeline.ProgressAsync(cancellationToken).ConfigureAwait(false);
        _cutovers.SetPosition(_task.Name, stopped.Applied?.ToString() ?? "");
        runtime.SetStatus(_task.Name, Direction.Forward, Model.TaskStatus.Stopped,
            message: $"{StoppedMark} {stopped.Applied}: the target has every source transaction up to there.", clearMessage: true);
        return $"The forward direction applied everything the source committed and stopped at {stopped.Applied} ({stopped.Transactions} source transaction(s) applied in all).";
    }

    private const string StoppedMark = "Stopped by cut-over at";

    /// <summary>A last full verification; any row that differs stops the cut-over here, to be repaired first.</summary>
    private async Task<string> VerifyAsync(CancellationToken cancellationToken)
    {
        while (WorkerLock.IsNamedHeld(_service.Home, OmsHome.VerificationLockName(_task.Name)))
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var runs = new VerificationStore(_service.Store);
        var runId = runs.CreateRun(_task.Name, VerificationMode.Full, VerificationOrigin.Phase, [], null);
        var run = await new VerificationHost(_service.Store, _task, _log).RunAsync(runId, cancellationToken).ConfigureAwait(false);
        var tables = runs.Tables(runId);
        var differing = tables.Sum(t => t.MissingOnTarget + t.ExtraOnTarget + t.Different);
        if (run.Status != Model.TaskStatus.Completed || differing > 0)
            throw new OmsException("CutOverVerificationFailed", OmsErrorKind.InvalidState, _task.Name,
                $"The last verification (run {runId}) {(differing > 0 ? $"found {differing} row(s) that differ" : $"ended {run.Status}: {run.Message}")}. " +
                "Get-OmsVerificationResult shows them and Repair-OmsDifference repairs them; then run Switch-OmsTask again, which verifies again.");
        return $"Every row of {tables.Count} table(s) is the same on both sides (verification run {runId}).";
    }

    /// <summary>Waits until the target's checkpoint holds everything the source had committed when this was called.</summary>
    private async Task<DirectionProgress> ReachEndAsync(ChangePipeline pipeline, CancellationToken cancellationToken)
    {
        var head = (await pipeline.ProgressAsync(cancellationToken).ConfigureAwait(false)).Head;
        while (true)
        {
            var progress = await pipeline.ProgressAsync(cancellationToken).ConfigureAwait(false);
            if (progress.Reached(head)) return progress;
            EnsureForwardIncremental(_service, _task);
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses unless the forward direction runs in its incremental phase with its worker alive: a cut-over starts only
    /// from there, and while it waits for the target to catch up, the forward direction must keep running.
    /// </summary>
    public static void EnsureForwardIncremental(OmsService service, MigrationTask task)
    {
        var forward = service.Status(task.Name, Direction.Forward);
        if (forward.Status != Model.TaskStatus.Running || forward.Phase != TaskPhase.Incremental || !service.IsWorkerAlive(task.Name, Direction.Forward))
            throw ForwardNotIncremental(task, forward);
    }

    private static OmsException ForwardNotIncremental(MigrationTask task, TaskRuntime forward) =>
        new("ForwardNotIncremental", OmsErrorKind.InvalidState, task.Name,
            $"The forward direction of task '{task.Name}' is {forward.Status} in phase {forward.Phase}{(forward.Message is null ? "" : $" ({forward.Message})")}; " +
            "a cut-over starts while it runs in its incremental phase. Resume it (Resume-OmsTask) and wait until Get-OmsTask shows Phase Incremental.");

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalMinutes:0} min waiting for {what}.");
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }
}
