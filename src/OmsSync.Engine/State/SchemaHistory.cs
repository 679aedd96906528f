using System.Data.Common;
using System.Text.Json;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>
/// Versions of the source's table schemas, each valid from a binlog position on. A row is decoded with
/// the newest version at or before its transaction's position, so a restart never decodes old rows with
/// a shape that came later. With DDL synchronization a version also says whether the table belongs to the
/// task from there on and under which mapping: a table created under the task's rules joins it, a dropped
/// one leaves it (its version has no schema), so the task's tables at any position can be read back.
/// </summary>
public sealed class SchemaHistory
{
    private readonly StateStore _store;

    public SchemaHistory(StateStore store) => _store = store;

    /// <summary>Records a version; <paramref name="schema"/> null marks the table gone (dropped or renamed away).</summary>
    public void Record(string task, Direction direction, string database, string table, TableSchema? schema, TableMapping? mapping, bool member,
        long fileSequence, long position) =>
        _store.Execute(
            """
            INSERT INTO schema_history(task, direction, database_name, table_name, file_seq, position, schema_json, mapping_json, member)
            VALUES (@t, @d, @db, @tb, @f, @p, @j, @m, @member)
            ON CONFLICT(task, direction, database_name, table_name, file_seq, position) DO UPDATE SET
                schema_json = excluded.schema_json, mapping_json = excluded.mapping_json, member = excluded.member
            """,
            ("@t", task), ("@d", direction.ToString()), ("@db", database), ("@tb", table),
            ("@f", fileSequence), ("@p", position), ("@j", JsonSerializer.Serialize(schema)),
            ("@m", mapping is null ? null : JsonSerializer.Serialize(mapping)), ("@member", member ? 1 : 0));

    /// <summary>The newest version at or before the position, or null when none was recorded or the table was gone there.</summary>
    public TableSchema? Find(string task, Direction direction, string database, string table, long fileSequence, long position) =>
        Latest(task, direction, database, table, fileSequence, position)?.Schema;

    /// <summary>The newest version recorded at or before the position (its schema is null when the table was gone there), or null.</summary>
    public SchemaVersion? Latest(string task, Direction direction, string database, string table, long fileSequence, long position) =>
        _store.Query(
            """
            SELECT database_name, table_name, schema_json, mapping_json, member FROM schema_history
            WHERE task = @t AND direction = @d AND database_name = @db AND table_name = @tb
              AND (file_seq < @f OR (file_seq = @f AND position <= @p))
            ORDER BY file_seq DESC, position DESC LIMIT 1
            """,
            Map, ("@t", task), ("@d", direction.ToString()), ("@db", database), ("@tb", table), ("@f", fileSequence), ("@p", position))
            .SingleOrDefault();

    /// <summary>The newest version of every table recorded at or before the position.</summary>
    public IReadOnlyList<SchemaVersion> At(string task, Direction direction, long fileSequence, long position)
    {
        var rows = _store.Query(
            """
            SELECT database_name, table_name, schema_json, mapping_json, member FROM schema_history
            WHERE task = @t AND direction = @d AND (file_seq < @f OR (file_seq = @f AND position <= @p))
            ORDER BY file_seq, position
            """,
            Map, ("@t", task), ("@d", direction.ToString()), ("@f", fileSequence), ("@p", position));
        var latest = new Dictionary<(string, string), SchemaVersion>();
        foreach (var row in rows) latest[(row.Database, row.Table)] = row;
        return latest.Values.ToList();
    }

    private static SchemaVersion Map(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<TableSchema>(r.GetString(2)),
            r.IsDBNull(3) ? null : JsonSerializer.Deserialize<TableMapping>(r.GetString(3)), r.GetInt64(4) != 0);

    public void Forget(string task, Direction direction) =>
        _store.Execute("DELETE FROM schema_history WHERE task = @t AND direction = @d", ("@t", task), ("@d", direction.ToString()));
}

/// <summary>
/// One table's recorded version: its schema (null when the table is gone), its mapping when DDL synchronization
/// recorded one, and whether it belongs to the task (a shadow table of an online schema change is tracked, not synchronized).
/// </summary>
public sealed record SchemaVersion(string Database, string Table, TableSchema? Schema, TableMapping? Mapping, bool Member);
