using System.Data.Common;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>Reads and writes the runtime state of tasks: status, phase, worker, position and progress.</summary>
public sealed class RuntimeStore
{
    private readonly StateStore _store;

    public RuntimeStore(StateStore store) => _store = store;

    public TaskRuntime Get(string task, Direction direction) =>
        _store.Query("SELECT * FROM task_runtime WHERE task = @t AND direction = @d", Map,
            ("@t", task), ("@d", direction.ToString())).SingleOrDefault()
        ?? throw TaskCatalog.NotFound(task);

    public IReadOnlyList<TaskRuntime> List(string task) =>
        _store.Query("SELECT * FROM task_runtime WHERE task = @t ORDER BY direction", Map, ("@t", task));

    public void SetStatus(string task, Direction direction, Model.TaskStatus status, TaskPhase? phase = null, string? message = null, bool clearMessage = false)
    {
        _store.Execute(
            """
            UPDATE task_runtime SET status = @s, phase = COALESCE(@p, phase),
                message = CASE WHEN @clear THEN @m ELSE COALESCE(@m, message) END, updated = @u
            WHERE task = @t AND direction = @d
            """,
            ("@t", task), ("@d", direction.ToString()), ("@s", status.ToString()), ("@p", phase?.ToString()),
            ("@m", message), ("@clear", clearMessage), ("@u", Now()));
    }

    /// <summary>Records that the direction stopped after a -StopAfter phase, so that it goes on past it when resumed.</summary>
    public void SetStoppedAfter(string task, Direction direction, StopAfter phase) =>
        _store.Execute("UPDATE task_runtime SET stopped_after = @p, updated = @u WHERE task = @t AND direction = @d",
            ("@t", task), ("@d", direction.ToString()), ("@p", phase.ToString()), ("@u", Now()));

    public void SetPhase(string task, Direction direction, TaskPhase phase) =>
        _store.Execute("UPDATE task_runtime SET phase = @p, updated = @u WHERE task = @t AND direction = @d",
            ("@t", task), ("@d", direction.ToString()), ("@p", phase.ToString()), ("@u", Now()));

    /// <summary>Records the worker that now owns the task; called by that worker once it holds the task's lock.</summary>
    public void ClaimWorker(string task, Direction direction, int pid) =>
        _store.Execute(
            """
            UPDATE task_runtime SET worker_pid = @pid, worker_started = @u, heartbeat = @u, request = NULL,
                status = 'Running', message = NULL, updated = @u
            WHERE task = @t AND direction = @d
            """,
            ("@t", task), ("@d", direction.ToString()), ("@pid", pid), ("@u", Now()));

    /// <summary>Records a worker process just launched, before it has taken the task's lock.</summary>
    public void MarkLaunched(string task, Direction direction, int pid) =>
        _store.Execute("UPDATE task_runtime SET worker_pid = @pid, heartbeat = @u, updated = @u WHERE task = @t AND direction = @d",
            ("@t", task), ("@d", direction.ToString()), ("@pid", pid), ("@u", Now()));

    public void ReleaseWorker(string task, Direction direction, int pid) =>
        _store.Execute("UPDATE task_runtime SET worker_pid = NULL, request = NULL, updated = @u WHERE task = @t AND direction = @d AND worker_pid = @pid",
            ("@t", task), ("@d", direction.ToString()), ("@pid", pid), ("@u", Now()));

    /// <summary>The message a stream retrying after a lost connection shows until it applies again.</summary>
    public const string ReconnectingPrefix = "Reconnecting: ";

    /// <summary>
    /// The worker is alive; with a <paramref name="position"/> (its stream applied up to there) or a changed
    /// <paramref name="rowsApplied"/> (the copy moved on) the task works again, so a reconnect notice
    /// (<see cref="ReconnectingPrefix"/>) is over and goes.
    /// </summary>
    public void Beat(string task, Direction direction, string? position = null, long? lagMs = null,
        long? rowsApplied = null, double? rowsPerSecond = null, double? txnPerSecond = null) =>
        _store.Execute(
            """
            UPDATE task_runtime SET heartbeat = @u, position = COALESCE(@pos, position), lag_ms = COALESCE(@lag, lag_ms),
                message = CASE WHEN (@moved OR @rows <> rows_applied) AND substr(message, 1, length(@reconnecting)) = @reconnecting THEN NULL ELSE message END,
                rows_applied = COALESCE(@rows, rows_applied), rows_per_second = COALESCE(@rps, rows_per_second),
                txn_per_second = COALESCE(@tps, txn_per_second), updated = @u
            WHERE task = @t AND direction = @d
            """,
            ("@t", task), ("@d", direction.ToString()), ("@u", Now()), ("@pos", position), ("@moved", position is not null), ("@lag", lagMs),
            ("@rows", rowsApplied), ("@rps", rowsPerSecond), ("@tps", txnPerSecond), ("@reconnecting", ReconnectingPrefix));

    public void SetClockSkew(string task, Direction direction, TimeSpan skew) =>
        _store.Execute("UPDATE task_runtime SET clock_skew_ms = @s WHERE task = @t AND direction = @d",
            ("@t", task), ("@d", direction.ToString()), ("@s", (long)Math.Round(skew.TotalMilliseconds)));

    public void Request(string task, Direction direction, WorkerRequest? request) =>
        _store.Execute("UPDATE task_runtime SET request = @r, updated = @u WHERE task = @t AND direction = @d",
            ("@t", task), ("@d", direction.ToString()), ("@r", request?.ToString()), ("@u", Now()));

    public void UpsertTableProgress(TableProgress p) =>
        _store.Execute(
            """
            INSERT INTO table_progress(task, source_table, target_table, status, rows_estimate, rows_copied, chunks_total, chunks_done, updated)
            VALUES (@t, @s, @g, @st, @re, @rc, @ct, @cd, @u)
            ON CONFLICT(task, source_table) DO UPDATE SET target_table = @g, status = @st, rows_estimate = @re,
                rows_copied = @rc, chunks_total = @ct, chunks_done = @cd, updated = @u
            """,
            ("@t", p.Task), ("@s", p.SourceTable), ("@g", p.TargetTable), ("@st", p.Status), ("@re", p.RowsEstimate),
            ("@rc", p.RowsCopied), ("@ct", p.ChunksTotal), ("@cd", p.ChunksDone), ("@u", Now()));

    public IReadOnlyList<TableProgress> TableProgress(string task) =>
        _store.Query("SELECT task, source_table, target_table, status, rows_estimate, rows_copied, chunks_total, chunks_done FROM table_progress WHERE task = @t ORDER BY source_table",
            r => new TableProgress
            {
                Task = r.GetString(0), SourceTable = r.GetString(1), TargetTable = r.GetString(2), Status = r.GetString(3),
                RowsEstimate = r.GetInt64(4), RowsCopied = r.GetInt64(5), ChunksTotal = r.GetInt32(6), ChunksDone = r.GetInt32(7),
            }, ("@t", task));

    /// <summary>
    /// The source tables ("db.table", as the direction reads them) a direction's change stream last started with; null
    /// before its first. A table the forward direction has synchronized is known to exist on the target; a joining table
    /// is in the reverse direction's once it has taken it in.
    /// </summary>
    public IReadOnlyList<string>? StreamTables(string task, Direction direction) =>
        _store.Query("SELECT tables FROM task_runtime WHERE task = @t AND direction = @d AND tables IS NOT NULL",
                r => System.Text.Json.JsonSerializer.Deserialize<List<string>>(r.GetString(0))!, ("@t", task), ("@d", direction.ToString()))
            .SingleOrDefault();

    public void SetStreamTables(string task, Direction direction, IEnumerable<string> tables) =>
        _store.Execute("UPDATE task_runtime SET tables = @s WHERE task = @t AND direction = @d",
            ("@t", task), ("@d", direction.ToString()), ("@s", System.Text.Json.JsonSerializer.Serialize(tables.Order(StringComparer.Ordinal).ToList())));

    /// <summary>Forgets a table's copy progress and chunk plan: it left the task, and copies anew if it joins again.</summary>
    public void ForgetTable(string task, string sourceTable)
    {
        _store.Execute("DELETE FROM table_progress WHERE task = @t AND source_table = @s", ("@t", task), ("@s", sourceTable));
        _store.Execute("DELETE FROM chunk_plans WHERE task = @t AND source_table = @s", ("@t", task), ("@s", sourceTable));
    }

    /// <summary>A chunk plan is stored once so that a resumed full migration cuts the table at the same keys.</summary>
    public IReadOnlyList<(int ChunkNo, string? Lower, string? Upper)> ChunkPlan(string task, string sourceTable) =>
        _store.Query("SELECT chunk_no, lower_key, upper_key FROM chunk_plans WHERE task = @t AND source_table = @s ORDER BY chunk_no",
            r => (r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)),
            ("@t", task), ("@s", sourceTable));

    public void SaveChunkPlan(string task, string sourceTable, IReadOnlyList<(string? Lower, string? Upper)> chunks)
    {
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        using (var clear = _store.Command(connection, "DELETE FROM chunk_plans WHERE task = @t AND source_table = @s", ("@t", task), ("@s", sourceTable)))
        {
            clear.Transaction = transaction;
            clear.ExecuteNonQuery();
        }
        using var insert = _store.Command(connection,
            "INSERT INTO chunk_plans(task, source_table, chunk_no, lower_key, upper_key) VALUES (@t, @s, @n, @l, @h)",
            ("@t", task), ("@s", sourceTable), ("@n", 0), ("@l", null), ("@h", null));
        insert.Transaction = transaction;
        for (var i = 0; i < chunks.Count; i++)
        {
            insert.Parameters["@n"].Value = i;
            insert.Parameters["@l"].Value = (object?)chunks[i].Lower ?? DBNull.Value;
            insert.Parameters["@h"].Value = (object?)chunks[i].Upper ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private static TaskRuntime Map(DbDataReader r) => new()
    {
        Task = r.GetString(r.GetOrdinal("task")),
        Direction = Enum.Parse<Direction>(r.GetString(r.GetOrdinal("direction"))),
        Status = Enum.Parse<Model.TaskStatus>(r.GetString(r.GetOrdinal("status"))),
        Phase = Enum.Parse<TaskPhase>(r.GetString(r.GetOrdinal("phase"))),
        Message = Text(r, "message"),
        Request = Text(r, "request") is { } req ? Enum.Parse<WorkerRequest>(req) : null,
        WorkerPid = r.IsDBNull(r.GetOrdinal("worker_pid")) ? null : r.GetInt32(r.GetOrdinal("worker_pid")),
        WorkerStarted = Time(r, "worker_started"),
        Heartbeat = Time(r, "heartbeat"),
        Position = Text(r, "position"),
        LagMilliseconds = r.IsDBNull(r.GetOrdinal("lag_ms")) ? null : r.GetInt64(r.GetOrdinal("lag_ms")),
        RowsApplied = r.GetInt64(r.GetOrdinal("rows_applied")),
        RowsPerSecond = r.GetDouble(r.GetOrdinal("rows_per_second")),
        TransactionsPerSecond = r.GetDouble(r.GetOrdinal("txn_per_second")),
        Updated = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("updated"))),
        ClockSkewMilliseconds = r.IsDBNull(r.GetOrdinal("clock_skew_ms")) ? null : r.GetInt64(r.GetOrdinal("clock_skew_ms")),
        StoppedAfter = Text(r, "stopped_after") is { } stopped ? Enum.Parse<StopAfter>(stopped) : StopAfter.None,
    };

    private static string? Text(DbDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));

    private static DateTimeOffset? Time(DbDataReader r, string column) =>
        Text(r, column) is { } s ? DateTimeOffset.Parse(s) : null;
}
