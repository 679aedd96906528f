using System.Data.Common;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>The conflict log: every conflict met while applying, with the images needed to decide on it later.</summary>
public sealed class ConflictLog
{
    private readonly StateStore _store;

    public ConflictLog(StateStore store) => _store = store;

    public void Record(IReadOnlyCollection<ConflictRecord> records)
    {
        if (records.Count == 0) return;
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        using var insert = _store.Command(connection,
            """
            INSERT INTO conflicts(task, direction, table_name, row_key, type, source_before, source_after, target_row, policy, outcome, time)
            VALUES (@task, @dir, @table, @key, @type, @before, @after, @target, @policy, @outcome, @time)
            """,
            ("@task", ""), ("@dir", ""), ("@table", ""), ("@key", ""), ("@type", ""), ("@before", null), ("@after", null),
            ("@target", null), ("@policy", ""), ("@outcome", ""), ("@time", ""));
        insert.Transaction = transaction;
        foreach (var r in records)
        {
            insert.Parameters["@task"].Value = r.Task;
            insert.Parameters["@dir"].Value = r.Direction.ToString();
            insert.Parameters["@table"].Value = r.Table;
            insert.Parameters["@key"].Value = r.Key;
            insert.Parameters["@type"].Value = r.Type.ToString();
            insert.Parameters["@before"].Value = (object?)r.SourceBefore ?? DBNull.Value;
            insert.Parameters["@after"].Value = (object?)r.SourceAfter ?? DBNull.Value;
            insert.Parameters["@target"].Value = (object?)r.TargetRow ?? DBNull.Value;
            insert.Parameters["@policy"].Value = r.Policy.ToString();
            insert.Parameters["@outcome"].Value = r.Outcome;
            insert.Parameters["@time"].Value = r.Time.ToString("O");
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public IReadOnlyList<ConflictRecord> List(string? task = null, Direction? direction = null, DateTimeOffset? since = null, bool unresolvedOnly = false)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (task is not null) { where.Add("task = @task"); parameters.Add(("@task", task)); }
        if (direction is not null) { where.Add("direction = @dir"); parameters.Add(("@dir", direction.ToString())); }
        if (since is not null) { where.Add("time >= @since"); parameters.Add(("@since", since.Value.ToUniversalTime().ToString("O"))); }
        if (unresolvedOnly) where.Add("resolved IS NULL");
        var sql = "SELECT * FROM conflicts" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id";
        return _store.Query(sql, Map, parameters.ToArray());
    }

    /// <summary>How many conflicts a task direction met per minute, by type, over the window before now.</summary>
    public IReadOnlyDictionary<ConflictType, double> PerMinute(string task, Direction direction, TimeSpan window)
    {
        var since = (DateTimeOffset.UtcNow - window).ToString("O");
        return _store.Query("SELECT type, COUNT(*) FROM conflicts WHERE task = @task AND direction = @dir AND time >= @since GROUP BY type ORDER BY type",
                r => (Type: Enum.Parse<ConflictType>(r.GetString(0)), Count: r.GetInt64(1)), ("@task", task), ("@dir", direction.ToString()), ("@since", since))
            .ToDictionary(c => c.Type, c => Math.Round(c.Count / window.TotalMinutes, 1));
    }

    public ConflictRecord Get(long id) =>
        _store.Query("SELECT * FROM conflicts WHERE id = @id", Map, ("@id", id)).SingleOrDefault()
        ?? throw Errors.OmsException.NotFound("Conflict", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "List the conflict log with Get-OmsConflict.");

    public void MarkResolved(long id, string resolution) =>
        _store.Execute("UPDATE conflicts SET resolved = @t, resolution = @r WHERE id = @id",
            ("@id", id), ("@t", DateTimeOffset.UtcNow.ToString("O")), ("@r", resolution));

    private static ConflictRecord Map(DbDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Task = r.GetString(r.GetOrdinal("task")),
        Direction = Enum.Parse<Direction>(r.GetString(r.GetOrdinal("direction"))),
        Table = r.GetString(r.GetOrdinal("table_name")),
        Key = r.GetString(r.GetOrdinal("row_key")),
        Type = Enum.Parse<ConflictType>(r.GetString(r.GetOrdinal("type"))),
        SourceBefore = Text(r, "source_before"),
        SourceAfter = Text(r, "source_after"),
        TargetRow = Text(r, "target_row"),
        Policy = Enum.Parse<ConflictPolicy>(r.GetString(r.GetOrdinal("policy"))),
        Outcome = r.GetString(r.GetOrdinal("outcome")),
        Time = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("time"))),
        Resolved = Text(r, "resolved") is { } t ? DateTimeOffset.Parse(t) : null,
        Resolution = Text(r, "resolution"),
    };

    private static string? Text(DbDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
}
