using MySqlConnector;
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

    /// <summary>The source's clock now, to stamp a read of source rows with.</summary>
    public static async Task<DateTimeOffset> SourceNowAsync(MySqlConnection source, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT UTC_TIMESTAMP(6)", source);
        return Utc(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!.Value;
    }

    /// <summary>Waits until the target holds every source transaction committed before <paramref name="sourceRead"/>.</summary>
    public async Task WaitPastAsync(MySqlConnection target, DateTimeOffset sourceRead, CancellationToken cancellationToken)
    {
        if (!SyncRunning()) return;
        // Binlog commit times have whole seconds: a commit stamped at the next second came after the read.
        var needed = new DateTimeOffset(sourceRead.Ticks - sourceRead.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1);
        DateTimeOffset? last = null;
        var lastMoved = DateTime.UtcNow;
        while (true)
        {
            var applied = await AppliedUntilAsync(target, cancellationToken).ConfigureAwait(false);
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

    // The source commit time of the last transaction the target's checkpoint holds; MinValue while the checkpoint
    // holds none yet (the worker has only recorded where it starts), null when there is no checkpoint at all.
    private async Task<DateTimeOffset?> AppliedUntilAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT source_commit FROM `oms`.`checkpoints` WHERE task = @t AND direction = 'Forward'", target);
        command.Parameters.AddWithValue("@t", _task.OmsKey);
        try
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is DBNull ? DateTimeOffset.MinValue : Utc(value);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchTable)
        {
            return null;
        }
    }

    // Connections allow zero dates, so DATETIME values may come as MySqlDateTime.
    private static DateTimeOffset? Utc(object? value) => value switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        MySqlDateTime { IsValidDateTime: true } m => new DateTimeOffset(DateTime.SpecifyKind(m.GetDateTime(), DateTimeKind.Utc)),
        _ => null,
    };
}
