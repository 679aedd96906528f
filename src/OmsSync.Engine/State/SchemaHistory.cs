using System.Text.Json;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>
/// Versions of the source's table schemas, each valid from a binlog position on. A row is decoded with
/// the newest version at or before its transaction's position, so a restart never decodes old rows with
/// a shape that came later.
/// </summary>
public sealed class SchemaHistory
{
    private readonly StateStore _store;

    public SchemaHistory(StateStore store) => _store = store;

    public void Record(string task, Direction direction, TableSchema table, long fileSequence, long position) =>
        _store.Execute(
            """
            INSERT OR REPLACE INTO schema_history(task, direction, database_name, table_name, file_seq, position, schema_json)
            VALUES ($t, $d, $db, $tb, $f, $p, $j)
            """,
            ("$t", task), ("$d", direction.ToString()), ("$db", table.Database), ("$tb", table.Name),
            ("$f", fileSequence), ("$p", position), ("$j", JsonSerializer.Serialize(table)));

    /// <summary>The newest version at or before the position, or null when none was recorded.</summary>
    public TableSchema? Find(string task, Direction direction, string database, string table, long fileSequence, long position) =>
        _store.Query(
            """
            SELECT schema_json FROM schema_history
            WHERE task = $t AND direction = $d AND database_name = $db AND table_name = $tb
              AND (file_seq < $f OR (file_seq = $f AND position <= $p))
            ORDER BY file_seq DESC, position DESC LIMIT 1
            """,
            r => JsonSerializer.Deserialize<TableSchema>(r.GetString(0)),
            ("$t", task), ("$d", direction.ToString()), ("$db", database), ("$tb", table), ("$f", fileSequence), ("$p", position))
            .SingleOrDefault();

    public void Forget(string task, Direction direction) =>
        _store.Execute("DELETE FROM schema_history WHERE task = $t AND direction = $d", ("$t", task), ("$d", direction.ToString()));
}
