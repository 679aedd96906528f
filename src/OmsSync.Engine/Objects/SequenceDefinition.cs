namespace OmsSync.Engine.Objects;

/// <summary>
/// A sequence and where it stands: <see cref="Next"/> is the lowest value (the highest, counting down) that the source has
/// certainly not handed out; MariaDB's next_not_cached_value, or PostgreSQL's last value plus the increment.
/// </summary>
public sealed record SequenceDefinition(string Database, string Name, long Start, long Minimum, long Maximum, long Increment, long Cache, bool Cycle,
    long Next, long Round = 0) : StoredObject(StoredObjectKind.Sequence, Database, Name)
{
    /// <summary>True when <paramref name="value"/> is past <paramref name="than"/> in the sequence's direction.</summary>
    public bool IsPast(long value, long than) => Increment >= 0 ? value > than : value < than;
}
