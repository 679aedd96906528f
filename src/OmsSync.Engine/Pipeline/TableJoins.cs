using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Tables that join a task whose full copy is behind it (Set-OmsTask -Include on a task that has run), and tables that
/// leave it. A joining table is copied as the full migration copies, while the forward direction's stream waits at its
/// checkpoint; its window then ends where the source stands (<see cref="TableWindowStore"/>): its changes up to there
/// are replayed idempotently over the copy. The reverse direction takes the table in before the copy writes a row, so
/// what the target's applications write to it from then on comes back; what the copy writes carries its chunk marks,
/// which keep it from coming back (<see cref="LoopFilter"/>). A table that left keeps its rows on the target; what was
/// copied of it is forgotten, so it copies anew if it joins again.
/// </summary>
internal sealed class TableJoins(StateStore store, MigrationTask task, Pairing pairing, Action<string> log)
{
    private static readonly TimeSpan ReverseTakesIn = TimeSpan.FromMinutes(2);
    private readonly RuntimeStore _runtime = new(store);
    private readonly TableWindowStore _windows = new(store);

    /// <summary>Forgets the copy progress, chunk marks and windows of the tables copied before that are no longer the task's.</summary>
    public async Task ForgetLeftAsync(FullLoadRunner fullLoad, IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        var current = tables.ToDictionary(t => t.Mapping.Source, t => t.Mapping.Target, StringComparer.Ordinal);
        // A table that left and came back under another target name left too: its new target table is copied anew.
        foreach (var left in _runtime.TableProgress(task.Name).Where(p => current.GetValueOrDefault(p.SourceTable) != p.TargetTable).ToList())
        {
            await fullLoad.ForgetAsync(left.SourceTable, cancellationToken).ConfigureAwait(false);
            _windows.Forget(task.Name, Direction.Forward, left.SourceTable);
            log($"{left.SourceTable} is no longer synchronized to {left.TargetTable}; the rows there stay");
        }
    }

    /// <summary>
    /// The tables that join now: not wholly copied yet, or whose copy a killed worker left open. Their windows open; a
    /// running reverse direction takes them in before the copy writes a row.
    /// </summary>
    public async Task<IReadOnlyList<TaskTable>> OpenAsync(DirectionPlan plan, CancellationToken cancellationToken)
    {
        var copied = _runtime.TableProgress(task.Name).Where(p => p.Status == FullLoadProgress.Done).Select(p => p.SourceTable).ToHashSet(StringComparer.Ordinal);
        var open = _windows.Read(task.Name, Direction.Forward).Where(w => w.Value is null).Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        var joining = plan.Reading.Where(t => !copied.Contains(t.Mapping.Source) || open.Contains(t.Mapping.Source)).ToList();
        if (joining.Count == 0) return joining;
        log($"{joining.Count} table(s) join the task: {string.Join(", ", joining.Select(t => t.Mapping.Source))}; their rows are copied, then their changes follow");
        foreach (var table in joining) _windows.Set(task.Name, Direction.Forward, table.Mapping.Source, null);
        if (task.Topology == Topology.Bidirectional) await OpenReverseAsync(joining, cancellationToken).ConfigureAwait(false);
        FaultPoints.Hit(task.Name, "join-opened");
        return joining;
    }

    /// <summary>
    /// The reverse direction must read the joining tables before the copy writes a row: each is marked joining (a running
    /// reverse worker takes the mark up as a change of its objects), its source publishes them, and a running reverse
    /// worker is waited for until its stream has taken them in.
    /// </summary>
    private async Task OpenReverseAsync(IReadOnlyList<TaskTable> joining, CancellationToken cancellationToken)
    {
        foreach (var table in joining) _windows.Set(task.Name, Direction.Reverse, table.Mapping.Target, null);
        var reverse = await pairing.ReverseAsync(cancellationToken).ConfigureAwait(false);
        await reverse.Pipeline.PublishAsync(reverse.Reading, cancellationToken).ConfigureAwait(false);
        var names = joining.Select(t => t.Mapping.Target).ToList();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (WorkerLock.IsHeld(store.Home, task.Name, Direction.Reverse)
               && _runtime.StreamTables(task.Name, Direction.Reverse) is var taken && !names.All(n => taken?.Contains(n) == true))
        {
            if (waited.Elapsed > ReverseTakesIn)
                throw new TaskPausedException("ReverseNotJoining", task.Name,
                    $"The reverse direction did not take {string.Join(", ", names)} in within {ReverseTakesIn.TotalMinutes:0} minutes, so the forward direction " +
                    "waits before copying them (what the target's applications write to them must come back). See the reverse direction's state with Get-OmsTask, then resume (Resume-OmsTask).");
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After the copy: the windows end where the source stands now, and the tables have joined both directions.</summary>
    public async Task CloseAsync(DirectionPlan plan, IReadOnlyList<TaskTable> joining, CancellationToken cancellationToken)
    {
        if (joining.Count == 0) return;
        FaultPoints.Hit(task.Name, "join-copied");
        var copied = await plan.Pipeline!.SourcePositionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in joining)
        {
            _windows.Set(task.Name, Direction.Forward, table.Mapping.Source, copied.Serialize());
            _windows.Forget(task.Name, Direction.Reverse, table.Mapping.Target);
        }
        log($"copied the rows of {string.Join(", ", joining.Select(t => t.Mapping.Source))}; their changes since are replayed over the copy up to {copied}");
    }
}
