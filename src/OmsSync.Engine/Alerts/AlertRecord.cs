using OmsSync.Engine.Model;

namespace OmsSync.Engine.Alerts;

/// <summary>An alert: when its condition started to hold and when it stopped (null while active), and how delivering it went.</summary>
public sealed record AlertRecord
{
    public long Id { get; init; }
    public required string Task { get; init; }
    public required AlertKind Kind { get; init; }
    /// <summary>The direction it concerns; null for the task as a whole (verification).</summary>
    public Direction? Direction { get; init; }
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Cleared { get; init; }
    public required string Message { get; init; }
    /// <summary>Notifications delivered (started and cleared, to the webhook and the command).</summary>
    public int Delivered { get; init; }
    /// <summary>The last delivery that failed after its retries, with why; null when none failed.</summary>
    public string? DeliveryError { get; init; }
}
