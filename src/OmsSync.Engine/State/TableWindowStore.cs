using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>
/// The windows of tables that joined a task after its full copy (an -Include changed on a task that has run). Forward, a
/// joined table's changes up to its window's end may already be in its copy and are replayed idempotently; a window
/// without an end belongs to a copy still running (a worker that restarts finds the table joining still). Reverse, a
/// row marks a table joining while its copy runs (the reverse direction takes it in as a change of its objects).
/// </summary>
public sealed class TableWindowStore(StateStore store)
{
    /// <summary>Each joined source table of the direction (as the direction reads it) with its window's end; null while its copy runs.</summary>
    public IReadOnlyDictionary<string, string?> Read(string task, Direction direction) =>
        store.Query("SELECT source_table, until_position FROM table_windows WHERE task = @t AND direction = @d",
                r => (Table: r.GetString(0), Until: r.IsDBNull(1) ? null : r.GetString(1)), ("@t", task), ("@d", direction.ToString()))
            .ToDictionary(w => w.Table, w => w.Until, StringComparer.Ordinal);

    /// <summary>Opens a table's window (its copy begins) or ends it at <paramref name="until"/>.</summary>
    public void Set(string task, Direction direction, string table, string? until) =>
        store.Execute(
            """
            INSERT INTO table_windows(task, direction, source_table, until_position) VALUES (@t, @d, @s, @u)
            ON CONFLICT(task, direction, source_table) DO UPDATE SET until_position = excluded.until_position
            """, ("@t", task), ("@d", direction.ToString()), ("@s", table), ("@u", until));

    /// <summary>Forgets a table's window (it left the task, or joins again from the start).</summary>
    public void Forget(string task, Direction direction, string table) =>
        store.Execute("DELETE FROM table_windows WHERE task = @t AND direction = @d AND source_table = @s",
            ("@t", task), ("@d", direction.ToString()), ("@s", table));
}
