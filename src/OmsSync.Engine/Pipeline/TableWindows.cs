using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The windows of tables that joined the forward direction after its full copy, as one reading of the stream meets
/// them: those an -Include changed on a task that has run brought (see <see cref="TableWindowStore"/>) and those DDL
/// brought (<see cref="IDdlSync.CatchUp"/>). A change inside its table's window may already be in the table's copy and
/// is replayed idempotently. Windows the stream has passed go.
/// </summary>
internal sealed class TableWindows
{
    private readonly Dictionary<string, SourcePosition> _until = new(StringComparer.Ordinal);

    public bool Any => _until.Count > 0;

    /// <summary>Whether the change ending at <paramref name="end"/> falls in its table's window.</summary>
    public bool Covers(TaskTable table, SourcePosition end) =>
        _until.Count > 0 && _until.TryGetValue(table.Mapping.Source, out var until) && end.CompareTo(until) <= 0;

    /// <summary>Keeps a table's window that ends past <paramref name="from"/> (a DDL's copy, read back or just made).</summary>
    public void Add(string table, SourcePosition until, SourcePosition from)
    {
        if (until.CompareTo(from) > 0) _until[table] = until;
    }

    /// <summary>Drops the windows that end at or before <paramref name="reached"/> (nothing read from there on is in them) and names them.</summary>
    public IReadOnlyList<string> Passed(SourcePosition reached)
    {
        if (_until.Count == 0) return [];
        var passed = _until.Where(w => w.Value.CompareTo(reached) <= 0).ToList();
        foreach (var (table, _) in passed) _until.Remove(table);
        return passed.Select(w => $"{w.Key} (to {w.Value})").ToList();
    }

    /// <summary>The forward direction's windows that end past <paramref name="from"/>; the reverse direction has none.</summary>
    public static TableWindows Read(TableWindowStore store, MigrationTask task, Direction direction, IChangeSource source, SourcePosition from)
    {
        var windows = new TableWindows();
        if (direction != Direction.Forward) return windows;
        // An open window belongs to a copy the phases before this stream end (they close it), never to a stream.
        foreach (var (table, end) in store.Read(task.Name, direction))
            if (end is not null) windows.Add(table, source.ParsePosition(end), from);
        return windows;
    }
}
