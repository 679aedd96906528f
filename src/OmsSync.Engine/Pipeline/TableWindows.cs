using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The windows of tables that joined the direction after its full copy, as one reading of the stream meets them (see
/// <see cref="TableWindowStore"/>): forward, a change inside its table's window may already be in the table's copy and
/// is replayed idempotently; reverse, it may be what that copy wrote and is skipped. Windows the stream has passed go.
/// </summary>
internal sealed class TableWindows
{
    private readonly Dictionary<string, SourcePosition> _until;

    private TableWindows(Dictionary<string, SourcePosition> until) => _until = until;

    public bool Any => _until.Count > 0;

    public bool Covers(TaskTable table, SourcePosition end) =>
        _until.Count > 0 && _until.TryGetValue(table.Mapping.Source, out var until) && end.CompareTo(until) <= 0;

    /// <summary>Drops the windows that end at or before <paramref name="reached"/>: nothing read from there on is in them.</summary>
    public void Passed(SourcePosition reached)
    {
        if (_until.Count == 0) return;
        foreach (var table in _until.Where(w => w.Value.CompareTo(reached) <= 0).Select(w => w.Key).ToList())
            _until.Remove(table);
    }

    public static TableWindows Read(TableWindowStore store, MigrationTask task, Direction direction, IChangeSource source, SourcePosition from)
    {
        var until = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var (table, end) in store.Read(task.Name, direction))
            if (end is not null && source.ParsePosition(end) is var position && position.CompareTo(from) > 0)
                until[table] = position;
        return new TableWindows(until);
    }
}
