using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Waits out the task's replication lag before a differing row is read again: under running incremental
/// synchronization, a row the source changed a moment ago may simply not have arrived yet. The wait ends
/// when the target's checkpoint holds a source transaction committed after the source row was read, i.e.
/// everything the source had committed by then is applied. Without running synchronization there is
/// nothing to wait for. The source's heartbeat keeps the checkpoint moving on an idle source.
/// </summary>
internal sealed class LagGate
{
    /// <summary>Give up waiting when the checkpoint has not moved for this long (synchronization stalled or paused).</summary>
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly MigrationTask _task;
    private readonly StateStore _store;

    public LagGate(MigrationTask task, StateStore store)
    {
        _task = task;
        _store = store;
    }

    /// <summary>True while the task's forward worker applies changes (its incremental phase runs).</summary>
    public bool SyncRunning()
    {
        if (!_task.MigrationTypes.HasFlag(MigrationTypes.Incremental)) return false;
        var state = new RuntimeStore(_store).Get(_task.Name, Direction.Forward);
        return state.Status == Model.TaskStatus.Running && state.Phase == TaskPhase.Incremental
            && WorkerLock.IsHeld(_store.Home, _task.Name, Direction.Forward);
    }

    /// <summary>Waits until the target holds every source transaction committed before <paramref name="sourceRead"/>.</summary>
    public async Task WaitPastAsync(IVerificationSession target, DateTimeOffset sourceRead, CancellationToken cancellationToken)
    {
        if (!SyncRunning()) return;
        // Binlog commit times have whole seconds: a commit stamped at the next second came after the read.
        var needed = new DateTimeOffset(sourceRead.Ticks - sourceRead.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1);
        DateTimeOffset? last = null;
        var lastMoved = DateTime.UtcNow;
        while (true)
        {
            var applied = await target.AppliedUntilAsync(_task.OmsKey, Direction.Forward, cancellationToken).ConfigureAwait(false);
            if (applied is null || applied >= needed) return;
            if (applied != last)
            {
                last = applied;
                lastMoved = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastMoved > Stalled || !SyncRunning())
                return;
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }
}
