namespace OmsSync.Engine.FullLoad;

/// <summary>
/// The rows of one chunk as a reader hands them to a writer, already in the form the target's bulk path takes:
/// LOAD DATA text for MySQL-family targets (<see cref="LoadDataEncoder"/>), binary COPY for PostgreSQL. Readers
/// write every value as the bytes the plan's column transfer selected; the buffer turns them into its form.
/// Buffers are reused from chunk to chunk, since one grows to tens of MB.
/// </summary>
internal abstract class ChunkBuffer
{
    public int Rows { get; protected set; }

    /// <summary>Bytes held, which the throttle counts.</summary>
    public abstract int Length { get; }

    public abstract ReadOnlyMemory<byte> Written { get; }

    /// <summary>Empties the buffer for a chunk of the plan's table.</summary>
    public abstract void Reset(TableCopyPlan plan);

    public abstract void WriteNull();

    public abstract void WriteValue(ReadOnlySpan<byte> value);

    public abstract void EndRow();
}
