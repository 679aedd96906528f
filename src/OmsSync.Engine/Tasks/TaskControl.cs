using System.ComponentModel;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// Running tasks: starting, resuming, suspending and stopping their directions, the reverse direction of a
/// bidirectional task, skipping a paused DDL, conflict policies. Each action's preconditions are checked
/// when it is planned, so a refusal comes before any confirmation is asked for.
/// </summary>
public sealed class TaskControl
{
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(60);
    private readonly OmsService _service;
    private readonly TaskService _tasks;

    public TaskControl(OmsService service)
    {
        _service = service;
        _tasks = new TaskService(service);
    }

    /// <summary>
    /// Plans starting the forward direction: refused while a worker runs it, or (unless <paramref name="skipPreCheck"/>)
    /// when a pre-check fails that is not among <paramref name="skipChecks"/>; passed checks become details, warnings become warnings.
    /// </summary>
    public async Task<PlannedOperation<WorkerStart>> PlanStartForwardAsync(string name, bool skipPreCheck, IReadOnlyList<string>? skipChecks, OperationNotes notes,
        CancellationToken cancellationToken)
    {
        var task = _service.Tasks.Get(name);
        var skipped = CheckNames.Resolve(skipChecks);
        if (_service.IsWorkerAlive(task.Name, Direction.Forward))
            throw new OmsException("TaskAlreadyRunning", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' (Forward) already has a running worker. Watch it with Get-OmsTask, or stop it with Stop-OmsTask.");
        if (!skipPreCheck)
            Judge(task, await _service.TestTaskAsync(task.Name, cancellationToken).ConfigureAwait(false), skipped, notes, "Start-OmsForward");
        return new PlannedOperation<WorkerStart>($"{task.Name} ({task.Source} -> {task.Target}, {task.MigrationTypes})", "Start forward migration",
            (notes, _) => Task.FromResult(Launch(task, Direction.Forward, notes, skipped)));
    }

    /// <summary>
    /// Reports pre-check results as notes (passed ones as details, warnings as warnings), skipped checks turned into warnings,
    /// and refuses the start when any other check failed.
    /// </summary>
    private static void Judge(MigrationTask task, IReadOnlyList<CheckResult> results, IReadOnlyList<string> skipped, OperationNotes notes, string command)
    {
        var checks = CheckNames.Skip(results, skipped);
        foreach (var check in checks)
        {
            notes.Detail($"Pre-check {check.Check} [{check.Target}]: {check.Status}. {check.Message}");
            if (check.Status == CheckStatus.Warn)
                notes.Warn($"Pre-check {check.Check} ({check.Target}): {check.Message}");
        }
        var failed = checks.Where(c => c.Status == CheckStatus.Fail).ToList();
        if (failed.Count > 0)
            throw new OmsException("PreCheckFailed", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' was not started: {failed.Count} pre-check(s) failed.{Environment.NewLine}" +
                string.Join(Environment.NewLine, failed.Select(c => $"  {c.Check} ({c.Target}): {c.Message}")) + Environment.NewLine +
                $"Fix them and run {command} again, or pass a check's name to -SkipCheck to start despite it; Test-OmsTask shows every check.");
    }

    /// <summary>The directions Resume acts on: the one named, or every started direction that has no live worker.</summary>
    public IReadOnlyList<Direction> ResumeTargets(string name, Direction? named)
    {
        var task = _service.Tasks.Get(name);
        return _tasks.Targeted(task.Name, named).Where(d => named is not null || !_service.IsWorkerAlive(task.Name, d)).ToList();
    }

    /// <summary>Plans a new worker for a direction that has run and has none: it continues from its checkpoint.</summary>
    public PlannedOperation<WorkerStart> PlanResume(string name, Direction direction)
    {
        var task = _service.Tasks.Get(name);
        var state = _service.Status(task.Name, direction);
        if (_service.IsWorkerAlive(task.Name, direction))
            throw new OmsException("TaskAlreadyRunning", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' ({direction}) already has a running worker. Watch it with Get-OmsTask.");
        if (state.Status == TaskStatus.Created)
            throw new OmsException("TaskNeverStarted", OmsErrorKind.InvalidState, task.Name, direction == Direction.Forward
                ? $"Task '{task.Name}' has never been started, so there is nothing to resume. Start it with Start-OmsForward, which runs the pre-checks first."
                : $"The reverse direction of task '{task.Name}' has never been started, so there is nothing to resume.");
        return new PlannedOperation<WorkerStart>($"{task.Name} ({direction}, {state.Status} in phase {state.Phase})", "Resume task",
            (notes, _) => Task.FromResult(Launch(task, direction, notes)));
    }

    /// <summary>
    /// Plans asking a direction's worker to suspend or stop at its next safe point (a chunk or transaction boundary)
    /// and waiting a minute for it. Without a worker the decision is recorded in the task's status.
    /// </summary>
    public PlannedOperation<TaskDirectionState> PlanRequest(string name, Direction direction, WorkerRequest request)
    {
        var task = _service.Tasks.Get(name);
        var wasRunning = _service.IsWorkerAlive(task.Name, direction);
        var (action, withoutWorker, done) = request == WorkerRequest.Stop
            ? ("Stop task", "it is marked Stopped unless it completed.", "stopped")
            : ("Suspend task", "a failed task is marked Suspended, other states stay as they are.", "suspended");
        return new PlannedOperation<TaskDirectionState>($"{task.Name} ({direction})", action, async (notes, cancellationToken) =>
        {
            if (!wasRunning)
                notes.Warn($"Task '{task.Name}' ({direction}) has no running worker; {withoutWorker}");
            var state = await _service.RequestAsync(task.Name, direction, request, RequestWait, cancellationToken).ConfigureAwait(false);
            if (_service.IsWorkerAlive(task.Name, direction))
                notes.Warn($"The worker of task '{task.Name}' ({direction}, pid {state.WorkerPid}) has not {done} within {RequestWait.TotalSeconds:0} s; " +
                           "it will at its next safe point. Watch it with Get-OmsTask.");
            return _tasks.Describe(task, direction);
        });
    }

    /// <summary>
    /// Plans starting the reverse direction of a bidirectional task, from the target position recorded when the
    /// forward direction entered its incremental phase: allowed only while the forward direction runs in that phase.
    /// A conflict policy given for the reverse direction is checked against the task's tables first, then the reverse
    /// direction's pre-checks run (those named in <paramref name="skipChecks"/> may fail); <paramref name="dmlTypes"/> is stored with the task.
    /// </summary>
    public async Task<PlannedOperation<WorkerStart>> PlanEnableReverseAsync(string name, ConflictPolicy? policy, string? timestampColumn,
        IReadOnlyList<DmlTypes>? dmlTypes, IReadOnlyList<string>? skipChecks, OperationNotes notes, CancellationToken cancellationToken,
        DirectionLimits? limits = null)
    {
        var task = _service.Tasks.Get(name);
        var skipped = CheckNames.Resolve(skipChecks);
        if (task.Topology != Topology.Bidirectional)
            throw new OmsException("TaskNotBidirectional", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' is one-way. Only a task created with New-OmsTask -Topology Bidirectional has a reverse direction.");
        var options = new TaskOptionReader(task.Name);
        var reverseDml = TaskSettingChecks.CheckDmlTypes(options, dmlTypes, Direction.Reverse, task.MigrationTypes, task.Topology);
        if (limits is not null)
            TaskSettingChecks.CheckLimits(options, limits.RowsPerSecond, limits.BytesPerSecond, null, limits.WriteConcurrency, limits.IncrementalMemoryLimit);
        options.ThrowIfAny();
        var forward = _service.Status(task.Name, Direction.Forward);
        if (forward.Status != TaskStatus.Running || forward.Phase != TaskPhase.Incremental || !_service.IsWorkerAlive(task.Name, Direction.Forward))
            throw new OmsException("ForwardNotIncremental", OmsErrorKind.InvalidState, task.Name,
                $"The forward direction of task '{task.Name}' is {forward.Status} in phase {forward.Phase}; the reverse direction can be enabled only while the forward one runs " +
                "in its incremental phase. Start it with Start-OmsForward (or Resume-OmsTask) and wait until Get-OmsTask shows Phase Incremental.");
        if (_service.IsWorkerAlive(task.Name, Direction.Reverse))
            throw new OmsException("TaskAlreadyRunning", OmsErrorKind.InvalidState, task.Name,
                $"The reverse direction of task '{task.Name}' already runs. Watch it with Get-OmsTask '{task.Name}'.");
        ConflictRule? rule = null;
        if (policy is { } chosen)
        {
            rule = new ConflictRule { Direction = Direction.Reverse, Policy = chosen, TimestampColumn = timestampColumn };
            if (ConflictRuleCheck.CheckShape(rule) is { } problem)
                throw new OmsException("InvalidConflictPolicy", OmsErrorKind.InvalidArgument, task.Name, problem);
            await ConflictRuleCheck.CheckAgainstTablesAsync(_service, task, rule, cancellationToken).ConfigureAwait(false);
        }
        else if (timestampColumn is not null)
            throw new OmsException("InvalidConflictPolicy", OmsErrorKind.InvalidArgument, task.Name, "-TimestampColumn goes with -ConflictPolicy NewerWins.");
        // The reverse direction reads the target's change log and writes the source: both are checked for those roles now.
        Judge(task, await TaskChecks.RunReverseAsync(_service, task, cancellationToken).ConfigureAwait(false), skipped, notes, "Enable-OmsReverse");
        return new PlannedOperation<WorkerStart>($"{task.Name} ({task.Target} -> {task.Source})", "Enable reverse synchronization", (notes, _) =>
        {
            if (rule is not null)
            {
                _service.Tasks.Modify(task.Name, current => current with { ConflictRules = ConflictRule.Set(current.ConflictRules, rule) });
            }
            if (reverseDml is { } kinds)
                _service.Tasks.Modify(task.Name, current => current with { ReverseDmlTypes = kinds });
            if (limits is { IsEmpty: false })
                _service.Tasks.Modify(task.Name, current => current with { ReverseLimits = limits.Over(current.ReverseLimits) });
            return Task.FromResult(Launch(_service.Tasks.Get(task.Name), Direction.Reverse, notes, skipped));
        });
    }

    /// <summary>
    /// Plans skipping the DDL the task's forward direction is paused at (OMS "skip DDL"): recorded as skipped, the
    /// checkpoint moved past it without applying it, and the task resumed.
    /// </summary>
    public PlannedOperation<(DdlRecord Skipped, WorkerStart Worker)> PlanSkipDdl(string name)
    {
        var task = _service.Tasks.Get(name);
        var paused = _service.DdlLog.Paused(task.Name, Direction.Forward);
        if (paused is null || _service.IsWorkerAlive(task.Name, Direction.Forward))
            throw new OmsException("NoPausedDdl", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' is not paused at a DDL, so there is nothing to skip. Get-OmsDdl -Name '{task.Name}' lists the DDL it met.");
        return new PlannedOperation<(DdlRecord, WorkerStart)>($"{task.Name}: {paused.Statement}", "Skip DDL without applying it to the target, and resume the task",
            async (notes, cancellationToken) =>
            {
                var skipped = await _service.SkipDdlAsync(task.Name, cancellationToken).ConfigureAwait(false);
                var worker = Launch(task, Direction.Forward, notes);
                notes.Detail($"Task '{task.Name}' skipped the DDL at {skipped.StartPosition}.");
                return (skipped, worker);
            });
    }

    /// <summary>
    /// Plans a cut-over (Switch-OmsTask): every check that can refuse it runs now, before anything changes; the plan
    /// lists the steps. A cut-over cut short is taken up at the step it was in; one running is followed, not started again.
    /// </summary>
    public async Task<PlannedOperation<CutOver.CutOverState>> PlanSwitchAsync(string name, CutOver.CutOverOptions options, CancellationToken cancellationToken)
    {
        var task = _service.Tasks.Get(name);
        var cutovers = new CutOver.CutOverService(_service);
        var existing = cutovers.Status(task.Name);
        if (existing is { Status: TaskStatus.Completed }) throw CutOver.CutOverService.Done(existing);
        if (existing is { Status: TaskStatus.Running })
            return new PlannedOperation<CutOver.CutOverState>($"{task.Name} ({task.Source} -> {task.Target})",
                $"Follow the cut-over running in worker process {existing.WorkerPid} (step {existing.Current?.Step})", (_, _) => Task.FromResult(existing));
        var steps = await CutOver.CutOverPlan.DescribeAsync(_service, task, options, existing, cancellationToken).ConfigureAwait(false);
        var action = (existing is null ? "Switch over to the target: " : $"Take up the cut-over at step {existing.Current?.Step}: ") +
                     string.Join("; ", steps.Select((s, i) => $"{i + 1}. {s}"));
        return new PlannedOperation<CutOver.CutOverState>($"{task.Name} ({task.Source} -> {task.Target})", action,
            (notes, _) =>
            {
                var state = cutovers.Start(task.Name, options);
                notes.Detail($"The cut-over of task '{task.Name}' runs in worker process {state.WorkerPid}; its log is {_service.Home.CutOverLog(task.Name)}.");
                return Task.FromResult(state);
            });
    }

    /// <summary>Plans setting a conflict rule, checked against the task's tables on its source; running workers pick it up within seconds.</summary>
    public async Task<PlannedOperation<ConflictRule>> PlanSetConflictPolicyAsync(string name, ConflictRule rule, CancellationToken cancellationToken)
    {
        var task = _service.Tasks.Get(name);
        if (ConflictRuleCheck.CheckShape(rule) is { } problem)
            throw new OmsException("InvalidConflictPolicy", OmsErrorKind.InvalidArgument, task.Name, problem);
        await ConflictRuleCheck.CheckAgainstTablesAsync(_service, task, rule, cancellationToken).ConfigureAwait(false);
        return new PlannedOperation<ConflictRule>($"{task.Name}: {rule}", "Set conflict policy", (_, _) =>
        {
            _service.Tasks.Modify(task.Name, current => current with { ConflictRules = ConflictRule.Set(current.ConflictRules, rule) });
            return Task.FromResult(rule);
        });
    }

    /// <summary>
    /// Launches the direction's worker; a worker that cannot be launched is an error naming why. The checks skipped
    /// before it are written first to the worker's log, where whoever reads the log later finds them.
    /// </summary>
    private WorkerStart Launch(MigrationTask task, Direction direction, OperationNotes notes, IReadOnlyList<string>? skippedChecks = null)
    {
        if (skippedChecks is { Count: > 0 })
            WorkerLogLine.Append(_service.Home.WorkerLog(task.Name, direction), task.Name, direction,
                $"pre-check(s) skipped at the start (-SkipCheck): {string.Join(", ", skippedChecks)}");
        WorkerLogLine.Append(_service.Home.WorkerLog(task.Name, direction), task.Name, direction, "starting a worker");
        int pid;
        try
        {
            pid = _service.StartWorker(task.Name, direction);
        }
        catch (Exception e) when (e is FileNotFoundException or Win32Exception or InvalidOperationException)
        {
            throw new OmsException("WorkerStartFailed", OmsErrorKind.NotSupported, task.Name,
                $"The worker for task '{task.Name}' ({direction}) could not be started: {e.Message} Rebuild the module (./build.sh) so that OmsSync.Worker sits beside it.", e);
        }
        notes.Detail($"Task '{task.Name}' ({direction}) runs in worker process {pid}; its log is {_service.Home.WorkerLog(task.Name, direction)}.");
        return new WorkerStart(pid, _tasks.Describe(_service.Tasks.Get(task.Name), direction));
    }
}
