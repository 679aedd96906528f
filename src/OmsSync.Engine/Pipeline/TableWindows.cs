using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The windows of tables that joined the direction after its full copy, as one reading of the stream meets them (see
/// <see cref="TableWindowStore"/>): forward, a change inside its table's window may already be in the table's copy and
/// is replayed idempotently; reverse, it may be what that copy wrote and is skipped. A reverse window without an end
/// belongs to a copy that still runs: a change of its table waits until the copy ends and says where. Windows the
/// stream has passed go.
/// </summary>
internal sealed class TableWindows
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, SourcePosition> _until = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private readonly TableWindowStore _store;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly IChangeSource _source;

    private TableWindows(TableWindowStore store, MigrationTask task, Direction direction, IChangeSource source)
    {
        _store = store;
        _task = task;
        _direction = direction;
        _source = source;
    }

    public bool Any => _until.Count > 0 || _open.Count > 0;

    /// <summary>Whether the change ending at <paramref name="end"/> falls in its table's window (an open one holds every change).</summary>
    public bool Covers(TaskTable table, SourcePosition end) =>
        Any && (_open.Contains(table.Mapping.Source) || _until.TryGetValue(table.Mapping.Source, out var until) && end.CompareTo(until) <= 0);

    /// <summary>
    /// Waits until the copies of these tables that still run have ended, when any has: where a copy ends decides which
    /// of its table's changes are the copy's own. Reads the windows again every quarter second.
    /// </summary>
    public async Task WaitForCopiesAsync(IEnumerable<string> tables, Action<string> log, CancellationToken cancellationToken)
    {
        var waiting = tables.Where(_open.Contains).Distinct().ToList();
        if (waiting.Count == 0) return;
        log($"waiting for the copy of {string.Join(", ", waiting)} to end before applying its changes");
        while (true)
        {
            var stored = _store.Read(_task.Name, _direction);
            foreach (var table in waiting.ToList())
            {
                if (stored.TryGetValue(table, out var end) && end is null) continue;
                _open.Remove(table);
                waiting.Remove(table);
                if (end is not null) _until[table] = _source.ParsePosition(end);
            }
            if (waiting.Count == 0) return;
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops the windows that end at or before <paramref name="reached"/> (nothing read from there on is in them) and names them.</summary>
    public IReadOnlyList<string> Passed(SourcePosition reached)
    {
        if (_until.Count == 0) return [];
        var passed = _until.Where(w => w.Value.CompareTo(reached) <= 0).Select(w => $"{w.Key} (to {w.Value})").ToList();
        foreach (var table in _until.Where(w => w.Value.CompareTo(reached) <= 0).Select(w => w.Key).ToList())
            _until.Remove(table);
        return passed;
    }

    public static TableWindows Read(TableWindowStore store, MigrationTask task, Direction direction, IChangeSource source, SourcePosition from)
    {
        var windows = new TableWindows(store, task, direction, source);
        foreach (var (table, end) in store.Read(task.Name, direction))
        {
            // Forward, an open window belongs to a copy the phases before this stream ended (they close it).
            if (end is null && direction == Direction.Reverse) windows._open.Add(table);
            else if (end is not null && source.ParsePosition(end) is var position && position.CompareTo(from) > 0) windows._until[table] = position;
        }
        return windows;
    }
}
