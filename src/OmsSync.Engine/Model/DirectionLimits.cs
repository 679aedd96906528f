namespace OmsSync.Engine.Model;

/// <summary>
/// The reverse direction's own speed, concurrency and memory settings (Enable-OmsReverse, Set-OmsTask -Direction
/// Reverse); each one not set (null) is the task's, which the forward direction uses.
/// </summary>
public sealed record DirectionLimits
{
    public long? RowsPerSecond { get; init; }
    public long? BytesPerSecond { get; init; }
    public int? WriteConcurrency { get; init; }
    public long? IncrementalMemoryLimit { get; init; }

    /// <summary>These settings where given, <paramref name="other"/>'s where not.</summary>
    public DirectionLimits Over(DirectionLimits? other) => new()
    {
        RowsPerSecond = RowsPerSecond ?? other?.RowsPerSecond,
        BytesPerSecond = BytesPerSecond ?? other?.BytesPerSecond,
        WriteConcurrency = WriteConcurrency ?? other?.WriteConcurrency,
        IncrementalMemoryLimit = IncrementalMemoryLimit ?? other?.IncrementalMemoryLimit,
    };

    public bool IsEmpty => RowsPerSecond is null && BytesPerSecond is null && WriteConcurrency is null && IncrementalMemoryLimit is null;
}
