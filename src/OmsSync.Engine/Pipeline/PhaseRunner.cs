using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Runs a task's phases in order for one direction, whichever kinds of server it joins: schema, full migration,
/// deferred indexes, verification, incremental synchronization. The reverse direction of a bidirectional task runs
/// incremental synchronization only, from where the forward direction recorded its start.
/// </summary>
public sealed class PhaseRunner
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly Action<string> _log;
    private readonly RuntimeStore _runtime;

    public PhaseRunner(StateStore store, MigrationTask task, Direction direction, Action<string> log)
    {
        _store = store;
        _task = task;
        _direction = direction;
        _log = log;
        _runtime = new RuntimeStore(store);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pairing = new Pairing(_store, _task, _log);
        pairing.Check();
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        if (_direction == Direction.Reverse)
        {
            await RunReverseAsync(pairing, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (await ResumeWithDdlAsync(pairing, cancellationToken).ConfigureAwait(false)) return;

        var plan = await pairing.ForwardAsync(cancellationToken).ConfigureAwait(false);
        var objects = plan.Shaped;
        _log($"{objects.Tables.Count} table(s), {objects.Views.Count} view(s) selected" +
             (objects.Views.Count > 0 && !plan.MigratesViews ? " (views are not migrated to or from PostgreSQL)" : ""));

        // Nothing is created on the target before the source side is known to work.
        await plan.CheckSource(cancellationToken).ConfigureAwait(false);
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Schema);
            await plan.MigrateSchema(cancellationToken).ConfigureAwait(false);
            _log("schema migrated");
            StopIfAsked(StopAfter.Schema, "the target's tables are made and hold no rows yet.");
        }
        else
        {
            await plan.VerifyTarget(cancellationToken).ConfigureAwait(false);
        }

        var incremental = plan.Pipeline;
        // The start of incremental reading is recorded before the copy begins, so no write made during the copy is lost.
        if (incremental is not null)
        {
            await incremental.EnsureStartAsync(plan.Reading, cancellationToken).ConfigureAwait(false);
            // The task's tables may have changed since the start was recorded: the source sends theirs from here on.
            await incremental.PublishAsync(plan.Reading, cancellationToken).ConfigureAwait(false);
        }

        var joins = new TableJoins(_store, _task, pairing, _log);
        IReadOnlyList<TaskTable> joining = [];
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            var fullLoad = plan.FullLoad();
            await joins.ForgetLeftAsync(fullLoad, plan.Reading, cancellationToken).ConfigureAwait(false);
            // Past the first copy, the tables the task gained since join it: the copy takes them alone.
            if (incremental is not null && await incremental.IsPastFullCopyAsync(cancellationToken).ConfigureAwait(false))
                joining = await joins.OpenAsync(plan, cancellationToken).ConfigureAwait(false);
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Full);
            await fullLoad.RunAsync(plan.Reading.Select(t => (t.Mapping, t.Schema)).ToList(), cancellationToken).ConfigureAwait(false);
            _log("full migration done");
            if (_task.IndexMigration == IndexMigration.AfterFull && _task.MigrationTypes.HasFlag(MigrationTypes.Schema))
            {
                _runtime.SetPhase(_task.Name, _direction, TaskPhase.Index);
                await plan.CreateDeferredIndexes(cancellationToken).ConfigureAwait(false);
                _log("secondary indexes built");
            }
        }
        // The source's foreign keys come once the rows are in, before any change is applied.
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema))
        {
            await plan.CreateForeignKeys(cancellationToken).ConfigureAwait(false);
            _log("foreign keys created");
        }
        if (incremental is not null && _task.MigrationTypes.HasFlag(MigrationTypes.Full))
            await incremental.MarkFullCopyEndAsync(cancellationToken).ConfigureAwait(false);
        await joins.CloseAsync(plan, joining, cancellationToken).ConfigureAwait(false);
        // Incremental reading starts where it was recorded before the copy, so what the source does while the task waits is applied after.
        StopIfAsked(StopAfter.Full, "the rows are copied to the target" + (incremental is null ? "." : "; changes made on the source since the copy began are applied once it goes on."));

        var verify = _task.MigrationTypes.HasFlag(MigrationTypes.Verify);
        if (verify && incremental is null)
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Verify);
            await Verification.VerificationPhase.RunAsync(_store, _task, _log, cancellationToken).ConfigureAwait(false);
        }
        if (incremental is null)
        {
            // Without synchronization no more rows come: what a cut-over would complete is completed now.
            if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema)) await CompleteObjectsAsync(plan, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The reverse direction of a bidirectional task starts from the target's position now: what the full copy wrote
        // is behind it, and everything the forward direction applies from here carries its marker.
        if (_task.Topology == Topology.Bidirectional)
            await EnsureReverseStartAsync(pairing, cancellationToken).ConfigureAwait(false);
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
        // With incremental synchronization the verification runs beside it: rows in flight are re-read after the lag.
        using var stopVerifying = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var verifying = verify ? Verification.VerificationPhase.BesideAsync(_store, _task, _log, stopVerifying.Token) : Task.CompletedTask;
        try
        {
            await incremental.RunAsync(objects.Tables, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stopVerifying.Cancel();
            await verifying.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Suspends the direction once <paramref name="phase"/> is complete when the task's -StopAfter names it, the first time
    /// only: the stop is recorded, so the worker Resume-OmsTask starts goes on past it (its phases before pick up their checkpoints).
    /// </summary>
    private void StopIfAsked(StopAfter phase, string done)
    {
        if (_task.StopAfter != phase || _runtime.Get(_task.Name, _direction).StoppedAfter == phase) return;
        _runtime.SetStoppedAfter(_task.Name, _direction, phase);
        _log($"stopping after the {phase} phase (-StopAfter {phase})");
        throw new TaskPausedException("StoppedAfterPhase", _task.Name,
            $"Stopped after the {phase} phase, as -StopAfter {phase} asks: {done} Resume-OmsTask goes on with the next phase.");
    }

    private async Task CompleteObjectsAsync(DirectionPlan plan, CancellationToken cancellationToken)
    {
        var notes = new Operations.OperationNotes();
        try
        {
            await plan.Objects.CompleteAsync(plan.Reading, plan.Shaped, notes, cancellationToken).ConfigureAwait(false);
            _log("versioning, triggers, events and counters completed");
        }
        finally
        {
            notes.DrainTo(_log);
        }
    }

    private static async Task EnsureReverseStartAsync(Pairing pairing, CancellationToken cancellationToken)
    {
        var reverse = await pairing.ReverseAsync(cancellationToken).ConfigureAwait(false);
        await reverse.Pipeline.EnsureStartAsync(reverse.Reading, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A task with DDL synchronization that has finished its copy resumes straight into incremental synchronization:
    /// its tables are those its schema history holds at the checkpoint, which DDL may have made differ from the
    /// source's present ones (so schema checks and the rules against the source would be wrong now).
    /// </summary>
    private async Task<bool> ResumeWithDdlAsync(Pairing pairing, CancellationToken cancellationToken)
    {
        if (!_task.IncrementalDdl || !_task.MigrationTypes.HasFlag(MigrationTypes.Incremental) || pairing.ResumeWithDdl() is not { } incremental) return false;
        if (!await incremental.IsPastFullCopyAsync(cancellationToken).ConfigureAwait(false)) return false;
        if (_task.Topology == Topology.Bidirectional)
        {
            var reverse = await pairing.ReverseAsync(cancellationToken).ConfigureAwait(false);
            if (!await reverse.Pipeline.IsPastFullCopyAsync(cancellationToken).ConfigureAwait(false))
                await reverse.Pipeline.EnsureStartAsync(reverse.Reading, cancellationToken).ConfigureAwait(false);
        }
        _log("resuming incremental synchronization from the checkpoint");
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
        await incremental.RunAsync([], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The reverse direction: incremental DML only, from the task's target back to its source, on the forward task's
    /// tables mapped back through its renames, from the position the forward direction recorded.
    /// </summary>
    private async Task RunReverseAsync(Pairing pairing, CancellationToken cancellationToken)
    {
        if (_task.Topology != Topology.Bidirectional)
            throw new OmsException("TaskNotBidirectional", OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' is one-way; only a task created with -Topology Bidirectional has a reverse direction.");
        var reverse = await pairing.ReverseAsync(cancellationToken).ConfigureAwait(false);
        if (!await reverse.Pipeline.HasCheckpointAsync(cancellationToken).ConfigureAwait(false))
            throw new OmsException("ReverseNotReady", OmsErrorKind.InvalidState, _task.Name,
                $"The reverse direction of task '{_task.Name}' has no start position yet: it is recorded when the forward direction enters its incremental phase. " +
                "Wait for Get-OmsTask to show the forward direction in phase Incremental, then run Enable-OmsReverse.");
        // Every table of the task the target has is published, also one the forward direction is still copying.
        await reverse.Pipeline.PublishAsync(reverse.Reading, cancellationToken).ConfigureAwait(false);
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
        await reverse.Pipeline.RunAsync(reverse.Writing, cancellationToken,
            async token => (await pairing.ReverseAsync(token).ConfigureAwait(false)).Writing).ConfigureAwait(false);
    }
}
