namespace OmsSync.Engine.FullLoad;

/// <summary>
/// The rows of one chunk as a reader hands them to a writer, already in the form the target's bulk path takes:
/// LOAD DATA text for MySQL-family targets (<see cref="MySql.Copy.LoadDataEncoder"/>), binary COPY for PostgreSQL. Readers
/// write every value as the bytes the plan's column transfer selected; the buffer turns them into its form.
/// Buffers are reused from chunk to chunk, since one grows to tens of MB.
/// </summary>
internal abstract class ChunkBuffer
{
    /// <summary>The bytes written so far are Buffer[0..Filled); <see cref="Ensure"/> makes room before writing more.</summary>
    protected byte[] Buffer = new byte[1 << 20];
    protected int Filled;

    public int Rows { get; protected set; }

    /// <summary>Bytes held, which the throttle counts.</summary>
    public int Length => Filled;

    public ReadOnlyMemory<byte> Written => Buffer.AsMemory(0, Filled);

    /// <summary>Empties the buffer for a chunk of the plan's table.</summary>
    public abstract void Reset(TableCopyPlan plan);

    public abstract void WriteNull();

    public abstract void WriteValue(ReadOnlySpan<byte> value);

    public abstract void EndRow();

    protected void Ensure(int extra)
    {
        if (Filled + extra <= Buffer.Length) return;
        Array.Resize(ref Buffer, Math.Max(Buffer.Length * 2, Filled + extra));
    }
}
