using OmsSync.Engine.Alerts;
using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Output;

/// <summary>An alert of a task: its kind, the direction it concerns, when it started and cleared, and how its delivery went.</summary>
public sealed class OmsAlert
{
    internal OmsAlert(AlertRecord record)
    {
        Id = record.Id;
        Task = record.Task;
        Kind = record.Kind;
        Direction = record.Direction;
        Started = record.Started;
        Cleared = record.Cleared;
        Message = record.Message;
        Delivered = record.Delivered;
        DeliveryError = record.DeliveryError;
    }

    public long Id { get; }
    public string Task { get; }
    public AlertKind Kind { get; }
    public Direction? Direction { get; }
    public DateTimeOffset Started { get; }
    /// <summary>When the condition stopped holding; null while the alert is active.</summary>
    public DateTimeOffset? Cleared { get; }
    public bool Active => Cleared is null;
    public string Message { get; }
    /// <summary>Notifications delivered (its start and its clearing, to the webhook and the command).</summary>
    public int Delivered { get; }
    /// <summary>The last delivery that failed after its retries, and why.</summary>
    public string? DeliveryError { get; }
}
