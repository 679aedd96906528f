using System.Data.Common;
using OmsSync.Engine.Alerts;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>The alerts of every task: started and cleared times, message and delivery outcome (Get-OmsAlert).</summary>
public sealed class AlertLog
{
    private readonly StateStore _store;

    public AlertLog(StateStore store) => _store = store;

    public AlertRecord Start(string task, AlertKind kind, Direction? direction, string message)
    {
        var now = DateTimeOffset.UtcNow;
        var id = _store.Query("INSERT INTO alerts(task, kind, direction, started, message) VALUES (@t, @k, @d, @s, @m) RETURNING id", r => r.GetInt64(0),
            ("@t", task), ("@k", kind.ToString()), ("@d", direction?.ToString()), ("@s", now.ToString("O")), ("@m", message)).Single();
        return new AlertRecord { Id = id, Task = task, Kind = kind, Direction = direction, Started = now, Message = message };
    }

    public AlertRecord Clear(AlertRecord alert)
    {
        var now = DateTimeOffset.UtcNow;
        _store.Execute("UPDATE alerts SET cleared = @c WHERE id = @id", ("@id", alert.Id), ("@c", now.ToString("O")));
        return alert with { Cleared = now };
    }

    /// <summary>Counts a notification delivered, or keeps why one could not be.</summary>
    public void Delivery(long id, string? error) =>
        _store.Execute(error is null
                ? "UPDATE alerts SET delivered = delivered + 1 WHERE id = @id"
                : "UPDATE alerts SET delivery_error = @e WHERE id = @id",
            ("@id", id), ("@e", error));

    /// <summary>Alerts, newest first: of one task or all, active only or all.</summary>
    public IReadOnlyList<AlertRecord> List(string? task, bool activeOnly) =>
        _store.Query($"SELECT * FROM alerts WHERE {(task is null ? "" : "task = @t AND ")}(@a = 0 OR cleared IS NULL) ORDER BY id DESC", Map,
            ("@t", task), ("@a", activeOnly ? 1 : 0));

    private static AlertRecord Map(DbDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Task = r.GetString(r.GetOrdinal("task")),
        Kind = Enum.Parse<AlertKind>(r.GetString(r.GetOrdinal("kind"))),
        Direction = r.IsDBNull(r.GetOrdinal("direction")) ? null : Enum.Parse<Direction>(r.GetString(r.GetOrdinal("direction"))),
        Started = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("started")), System.Globalization.CultureInfo.InvariantCulture),
        Cleared = r.IsDBNull(r.GetOrdinal("cleared")) ? null : DateTimeOffset.Parse(r.GetString(r.GetOrdinal("cleared")), System.Globalization.CultureInfo.InvariantCulture),
        Message = r.GetString(r.GetOrdinal("message")),
        Delivered = r.GetInt32(r.GetOrdinal("delivered")),
        DeliveryError = r.IsDBNull(r.GetOrdinal("delivery_error")) ? null : r.GetString(r.GetOrdinal("delivery_error")),
    };
}
