using System.Data.Common;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>The DDL log: every DDL statement a task met, and what became of it. One entry per statement position.</summary>
public sealed class DdlLog
{
    private readonly StateStore _store;

    public DdlLog(StateStore store) => _store = store;

    /// <summary>Records the entry, replacing the one recorded for the same position before (a DDL read again after a restart).</summary>
    public void Record(DdlRecord record)
    {
        _store.Execute(
            """
            INSERT INTO ddl_log(task, direction, file_seq, position, start_position, end_position, database_name, statement,
                table_name, target_sql, outcome, reason, time)
            VALUES (@task, @dir, @f, @p, @start, @end, @db, @stmt, @table, @sql, @outcome, @reason, @time)
            ON CONFLICT(task, direction, file_seq, position) DO UPDATE SET start_position = excluded.start_position,
                end_position = excluded.end_position, database_name = excluded.database_name, statement = excluded.statement,
                table_name = excluded.table_name, target_sql = excluded.target_sql, outcome = excluded.outcome, reason = excluded.reason,
                time = excluded.time
            """,
            ("@task", record.Task), ("@dir", record.Direction.ToString()), ("@f", record.Order.Major), ("@p", record.Order.Minor),
            ("@start", record.StartPosition), ("@end", record.EndPosition), ("@db", record.Database), ("@stmt", record.Statement),
            ("@table", record.Table), ("@sql", record.TargetSql), ("@outcome", record.Outcome.ToString()), ("@reason", record.Reason),
            ("@time", record.Time.ToString("O")));
    }

    public IReadOnlyList<DdlRecord> List(string task, Direction? direction = null, DdlOutcome? outcome = null)
    {
        var sql = "SELECT * FROM ddl_log WHERE task = @task" +
                  (direction is null ? "" : " AND direction = @dir") + (outcome is null ? "" : " AND outcome = @outcome") +
                  " ORDER BY direction, file_seq, position";
        return _store.Query(sql, Map, ("@task", task), ("@dir", direction?.ToString()), ("@outcome", outcome?.ToString()));
    }

    /// <summary>The DDL the task's direction is paused at: the last one recorded, when it is Paused.</summary>
    public DdlRecord? Paused(string task, Direction direction) =>
        _store.Query("SELECT * FROM ddl_log WHERE task = @task AND direction = @dir ORDER BY file_seq DESC, position DESC LIMIT 1",
            Map, ("@task", task), ("@dir", direction.ToString())).SingleOrDefault() is { Outcome: DdlOutcome.Paused } paused ? paused : null;

    /// <summary>
    /// The statements held for an online schema change's shadow table, in order, before the position given (the tool's
    /// table swap).
    /// </summary>
    public IReadOnlyList<DdlRecord> Deferred(string task, Direction direction, string shadowTable, long fileSequence, long position) =>
        _store.Query(
            """
            SELECT * FROM ddl_log WHERE task = @task AND direction = @dir AND table_name = @table AND outcome = 'Deferred'
              AND (file_seq < @f OR (file_seq = @f AND position < @p))
            ORDER BY file_seq, position
            """,
            Map, ("@task", task), ("@dir", direction.ToString()), ("@table", shadowTable), ("@f", fileSequence), ("@p", position));

    private static DdlRecord Map(DbDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Task = r.GetString(r.GetOrdinal("task")),
        Direction = Enum.Parse<Direction>(r.GetString(r.GetOrdinal("direction"))),
        StartPosition = r.GetString(r.GetOrdinal("start_position")),
        Order = (r.GetInt64(r.GetOrdinal("file_seq")), r.GetInt64(r.GetOrdinal("position"))),
        EndPosition = r.GetString(r.GetOrdinal("end_position")),
        Database = r.GetString(r.GetOrdinal("database_name")),
        Statement = r.GetString(r.GetOrdinal("statement")),
        Table = Text(r, "table_name"),
        TargetSql = Text(r, "target_sql"),
        Outcome = Enum.Parse<DdlOutcome>(r.GetString(r.GetOrdinal("outcome"))),
        Reason = Text(r, "reason"),
        Time = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("time"))),
    };

    private static string? Text(DbDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
}
