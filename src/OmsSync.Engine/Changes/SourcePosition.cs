namespace OmsSync.Engine.Changes;

/// <summary>
/// Where a source's change stream stands: always a transaction boundary, never a point inside one. Each kind of
/// source has its own (a binlog file and offset with its GTID state, a PostgreSQL LSN); the pipeline only orders
/// them and stores their text in checkpoints, which the source parses back.
/// </summary>
public abstract record SourcePosition : IComparable<SourcePosition>
{
    /// <summary>The position as checkpoints store it; the source that wrote it reads it back.</summary>
    public abstract string Serialize();

    /// <summary>A short text that tells this position from every other of the same source (a binlog file and offset, an LSN).</summary>
    public virtual string Key => Serialize();

    /// <summary>Two numbers that order positions of one source as the stream does, for stores that sort by them.</summary>
    public abstract (long Major, long Minor) SortKey { get; }

    /// <summary>Negative when this position comes before <paramref name="other"/> in the source's stream.</summary>
    public abstract int CompareTo(SourcePosition? other);

    public static bool operator <(SourcePosition a, SourcePosition b) => a.CompareTo(b) < 0;
    public static bool operator >(SourcePosition a, SourcePosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(SourcePosition a, SourcePosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SourcePosition a, SourcePosition b) => a.CompareTo(b) >= 0;
}
