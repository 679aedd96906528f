namespace OmsSync.Engine.Changes.Spill;

/// <summary>
/// Bounds the memory that assembled source transactions take: decoded row changes are held in memory up to
/// <see cref="MemoryLimitBytes"/> (an estimate of their managed size, shared by every transaction a reader has
/// yielded and not yet disposed, one transaction taking at most half); the rows of a transaction that do not fit
/// wait, still encoded, in a file under <see cref="Directory"/> and are decoded again as they are enumerated.
/// </summary>
public sealed record TransactionSpillOptions(string Directory, long MemoryLimitBytes)
{
    public const long DefaultMemoryLimitBytes = 64L << 20;

    /// <summary>64 MB in memory, spill files under the system's temporary folder.</summary>
    public static TransactionSpillOptions Default { get; } =
        new(Path.Combine(Path.GetTempPath(), "omssync-spill"), DefaultMemoryLimitBytes);
}
