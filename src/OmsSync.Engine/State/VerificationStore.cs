using System.Text.Json;
using System.Data.Common;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.State;

/// <summary>Verification runs, their per-table results and the differences they confirmed.</summary>
public sealed class VerificationStore
{
    private readonly StateStore _store;

    public VerificationStore(StateStore store) => _store = store;

    public long CreateRun(string task, VerificationMode mode, VerificationOrigin origin, IReadOnlyList<string> include, DateTimeOffset? since)
    {
        using var connection = _store.Connect();
        using var insert = _store.Command(connection,
            """
            INSERT INTO verification_runs(task, mode, origin, include, since, status, message, started)
            VALUES (@t, @m, @o, @i, @s, 'Running', 'Starting.', @u) RETURNING id
            """,
            ("@t", task), ("@m", mode.ToString()), ("@o", origin.ToString()),
            ("@i", include.Count == 0 ? null : JsonSerializer.Serialize(include)), ("@s", since?.ToUniversalTime().ToString("O")), ("@u", Now()));
        return Convert.ToInt64(insert.ExecuteScalar());
    }

    public VerificationRun? GetRun(long id) =>
        _store.Query("SELECT * FROM verification_runs WHERE id = @id", MapRun, ("@id", id)).SingleOrDefault();

    /// <summary>The task's most recent run (of one origin, when given).</summary>
    public VerificationRun? LatestRun(string task, VerificationOrigin? origin = null) =>
        _store.Query($"SELECT * FROM verification_runs WHERE task = @t{(origin is null ? "" : " AND origin = @o")} ORDER BY id DESC LIMIT 1", MapRun,
            ("@t", task), ("@o", origin?.ToString())).SingleOrDefault();

    public void MarkLaunched(long id, int pid) =>
        _store.Execute("UPDATE verification_runs SET worker_pid = @p, heartbeat = @u WHERE id = @id", ("@id", id), ("@p", pid), ("@u", Now()));

    /// <summary>Records the process that now runs the verification; called once it holds the task's verification lock.</summary>
    public void ClaimRun(long id, int pid) =>
        _store.Execute("UPDATE verification_runs SET worker_pid = @p, heartbeat = @u, status = 'Running', message = NULL WHERE id = @id",
            ("@id", id), ("@p", pid), ("@u", Now()));

    public void Beat(long id) => _store.Execute("UPDATE verification_runs SET heartbeat = @u WHERE id = @id", ("@id", id), ("@u", Now()));

    public void Finish(long id, Model.TaskStatus status, string? message)
    {
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        foreach (var sql in new[]
                 {
                     "UPDATE verification_runs SET status = @s, message = @m, finished = @u, request = NULL WHERE id = @id",
                     // Tables the run did not finish keep the run's outcome, not "Verifying" forever.
                     "UPDATE verification_tables SET status = @s, updated = @u WHERE run_id = @id AND status IN ('Pending', 'Verifying')",
                 })
        {
            using var command = _store.Command(connection, sql, ("@id", id), ("@s", status.ToString()), ("@m", message), ("@u", Now()));
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public void Request(long id, WorkerRequest? request) =>
        _store.Execute("UPDATE verification_runs SET request = @r WHERE id = @id", ("@id", id), ("@r", request?.ToString()));

    public void ReleaseWorker(long id, int pid) =>
        _store.Execute("UPDATE verification_runs SET worker_pid = NULL WHERE id = @id AND worker_pid = @p", ("@id", id), ("@p", pid));

    public void UpsertTable(VerificationTableResult t) =>
        _store.Execute(
            """
            INSERT INTO verification_tables(run_id, source_table, target_table, status, rows_estimate, source_rows, target_rows, chunks,
                missing_on_target, extra_on_target, different, message, updated)
            VALUES (@r, @s, @g, @st, @e, @sr, @tr, @c, @mi, @ex, @di, @m, @u)
            ON CONFLICT(run_id, source_table) DO UPDATE SET target_table = @g, status = @st, rows_estimate = @e, source_rows = @sr,
                target_rows = @tr, chunks = @c, missing_on_target = @mi, extra_on_target = @ex, different = @di, message = @m, updated = @u
            """,
            ("@r", t.RunId), ("@s", t.SourceTable), ("@g", t.TargetTable), ("@st", t.Status), ("@e", t.RowsEstimate), ("@sr", t.SourceRows),
            ("@tr", t.TargetRows), ("@c", t.Chunks), ("@mi", t.MissingOnTarget), ("@ex", t.ExtraOnTarget), ("@di", t.Different),
            ("@m", t.Message), ("@u", Now()));

    public IReadOnlyList<VerificationTableResult> Tables(long runId) =>
        _store.Query("SELECT * FROM verification_tables WHERE run_id = @r ORDER BY source_table", MapTable, ("@r", runId));

    /// <summary>For each table of the task, the result of the latest run that verified it, with that run.</summary>
    public IReadOnlyList<(VerificationRun Run, VerificationTableResult Table)> LatestTables(string task)
    {
        var tables = _store.Query(
            """
            SELECT t.* FROM verification_tables t
            JOIN (SELECT vt.source_table, MAX(vt.run_id) AS run_id FROM verification_tables vt
                  JOIN verification_runs r ON r.id = vt.run_id WHERE r.task = @t GROUP BY vt.source_table) latest
              ON latest.run_id = t.run_id AND latest.source_table = t.source_table
            ORDER BY t.source_table
            """, MapTable, ("@t", task));
        var runs = new Dictionary<long, VerificationRun>();
        return tables.Select(t => (runs.TryGetValue(t.RunId, out var run) ? run : runs[t.RunId] = GetRun(t.RunId)!, t)).ToList();
    }

    public void AddDifferences(IReadOnlyCollection<VerificationDifference> differences)
    {
        if (differences.Count == 0) return;
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        using var insert = _store.Command(connection,
            """
            INSERT INTO verification_differences(run_id, source_table, target_table, kind, row_key, key_values, row_hash, source_row, target_row, found)
            VALUES (@r, @s, @g, @k, @key, @kv, @h, @sr, @tr, @f)
            """,
            ("@r", 0L), ("@s", ""), ("@g", ""), ("@k", ""), ("@key", null), ("@kv", null), ("@h", null), ("@sr", null), ("@tr", null), ("@f", ""));
        insert.Transaction = transaction;
        foreach (var d in differences)
        {
            insert.Parameters["@r"].Value = d.RunId;
            insert.Parameters["@s"].Value = d.SourceTable;
            insert.Parameters["@g"].Value = d.TargetTable;
            insert.Parameters["@k"].Value = d.Kind.ToString();
            insert.Parameters["@key"].Value = (object?)d.Key ?? DBNull.Value;
            insert.Parameters["@kv"].Value = (object?)d.KeyValues ?? DBNull.Value;
            insert.Parameters["@h"].Value = (object?)d.RowHash ?? DBNull.Value;
            insert.Parameters["@sr"].Value = (object?)d.SourceRow ?? DBNull.Value;
            insert.Parameters["@tr"].Value = (object?)d.TargetRow ?? DBNull.Value;
            insert.Parameters["@f"].Value = d.Found.ToString("O");
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>
    /// Removes a run's open differences for rows found equal again, or for all rows of a table without a key
    /// (<paramref name="keyValues"/> null) about to be compared afresh (incremental mode); returns the kinds removed.
    /// </summary>
    public List<DifferenceKind> ClearDifferences(long runId, string sourceTable, IEnumerable<string>? keyValues)
    {
        var removed = new List<DifferenceKind>();
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        using var delete = _store.Command(connection,
            keyValues is null
                ? "DELETE FROM verification_differences WHERE run_id = @r AND source_table = @s AND repaired IS NULL RETURNING kind"
                : "DELETE FROM verification_differences WHERE run_id = @r AND source_table = @s AND key_values = @k AND repaired IS NULL RETURNING kind",
            ("@r", runId), ("@s", sourceTable), ("@k", ""));
        delete.Transaction = transaction;
        foreach (var key in keyValues ?? [""])
        {
            delete.Parameters["@k"].Value = key;
            using var reader = delete.ExecuteReader();
            while (reader.Read()) removed.Add(Enum.Parse<DifferenceKind>(reader.GetString(0)));
        }
        transaction.Commit();
        return removed;
    }

    /// <summary>The differences not yet repaired that the latest run of each of the task's tables found.</summary>
    public IReadOnlyList<VerificationDifference> OpenDifferences(string task) =>
        _store.Query(
            """
            SELECT d.* FROM verification_differences d
            JOIN (SELECT vt.source_table, MAX(vt.run_id) AS run_id FROM verification_tables vt
                  JOIN verification_runs r ON r.id = vt.run_id WHERE r.task = @t GROUP BY vt.source_table) latest
              ON latest.run_id = d.run_id AND latest.source_table = d.source_table
            WHERE d.repaired IS NULL
            ORDER BY d.id
            """, MapDifference, ("@t", task));

    public void MarkRepaired(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return;
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        using var update = _store.Command(connection, "UPDATE verification_differences SET repaired = @u WHERE id = @id", ("@u", Now()), ("@id", 0L));
        update.Transaction = transaction;
        foreach (var id in ids)
        {
            update.Parameters["@id"].Value = id;
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private static VerificationRun MapRun(DbDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Task = r.GetString(r.GetOrdinal("task")),
        Mode = Enum.Parse<VerificationMode>(r.GetString(r.GetOrdinal("mode"))),
        Origin = Enum.Parse<VerificationOrigin>(r.GetString(r.GetOrdinal("origin"))),
        Include = Text(r, "include") is { } include ? JsonSerializer.Deserialize<List<string>>(include)! : [],
        Since = Time(r, "since"),
        Status = Enum.Parse<Model.TaskStatus>(r.GetString(r.GetOrdinal("status"))),
        Message = Text(r, "message"),
        Request = Text(r, "request") is { } request ? Enum.Parse<WorkerRequest>(request) : null,
        WorkerPid = r.IsDBNull(r.GetOrdinal("worker_pid")) ? null : r.GetInt32(r.GetOrdinal("worker_pid")),
        Heartbeat = Time(r, "heartbeat"),
        Started = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("started"))),
        Finished = Time(r, "finished"),
    };

    private static VerificationTableResult MapTable(DbDataReader r) => new()
    {
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        SourceTable = r.GetString(r.GetOrdinal("source_table")),
        TargetTable = r.GetString(r.GetOrdinal("target_table")),
        Status = r.GetString(r.GetOrdinal("status")),
        RowsEstimate = r.GetInt64(r.GetOrdinal("rows_estimate")),
        SourceRows = r.GetInt64(r.GetOrdinal("source_rows")),
        TargetRows = r.GetInt64(r.GetOrdinal("target_rows")),
        Chunks = r.GetInt32(r.GetOrdinal("chunks")),
        MissingOnTarget = r.GetInt64(r.GetOrdinal("missing_on_target")),
        ExtraOnTarget = r.GetInt64(r.GetOrdinal("extra_on_target")),
        Different = r.GetInt64(r.GetOrdinal("different")),
        Message = Text(r, "message"),
        Updated = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("updated"))),
    };

    private static VerificationDifference MapDifference(DbDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        SourceTable = r.GetString(r.GetOrdinal("source_table")),
        TargetTable = r.GetString(r.GetOrdinal("target_table")),
        Kind = Enum.Parse<DifferenceKind>(r.GetString(r.GetOrdinal("kind"))),
        Key = Text(r, "row_key"),
        KeyValues = Text(r, "key_values"),
        RowHash = Text(r, "row_hash"),
        SourceRow = Text(r, "source_row"),
        TargetRow = Text(r, "target_row"),
        Found = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("found"))),
        Repaired = Time(r, "repaired"),
    };

    private static string? Text(DbDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));

    private static DateTimeOffset? Time(DbDataReader r, string column) => Text(r, column) is { } s ? DateTimeOffset.Parse(s) : null;
}
