using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>What a task's direction is doing now, as the worker last reported it.</summary>
public sealed record TaskRuntime
{
    public required string Task { get; init; }
    public required Direction Direction { get; init; }
    public required Model.TaskStatus Status { get; init; }
    public required TaskPhase Phase { get; init; }
    public string? Message { get; init; }
    /// <summary>What a cmdlet asked the worker to do next (Suspend, Stop), or null.</summary>
    public WorkerRequest? Request { get; init; }
    public int? WorkerPid { get; init; }
    public DateTimeOffset? WorkerStarted { get; init; }
    public DateTimeOffset? Heartbeat { get; init; }
    public string? Position { get; init; }
    public long? LagMilliseconds { get; init; }
    public long RowsApplied { get; init; }
    public double RowsPerSecond { get; init; }
    public double TransactionsPerSecond { get; init; }
    public DateTimeOffset Updated { get; init; }
    /// <summary>The target server's clock minus the source server's, as the worker last measured it.</summary>
    public long? ClockSkewMilliseconds { get; init; }
    /// <summary>The -StopAfter phase this direction has stopped after once already (None while it never did).</summary>
    public StopAfter StoppedAfter { get; init; }
}

public enum WorkerRequest { Suspend, Stop }

/// <summary>Full-migration progress of one table.</summary>
public sealed record TableProgress
{
    public required string Task { get; init; }
    public required string SourceTable { get; init; }
    public required string TargetTable { get; init; }
    public required string Status { get; init; }
    public long RowsEstimate { get; init; }
    public long RowsCopied { get; init; }
    public int ChunksTotal { get; init; }
    public int ChunksDone { get; init; }
}
