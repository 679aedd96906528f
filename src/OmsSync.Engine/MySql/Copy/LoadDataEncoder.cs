using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>
/// Writes rows in the text form LOAD DATA reads with FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
/// LINES TERMINATED BY '\n': NULL is \N, and tab, newline, carriage return, NUL and backslash are escaped.
/// Bytes are copied as they are; with CHARACTER SET binary the server stores them unchanged.
/// </summary>
internal sealed class LoadDataEncoder : ChunkBuffer
{
    private bool _rowStarted;

    public Stream AsStream() => new MemoryStream(Buffer, 0, Filled, writable: false);

    public override void Reset(TableCopyPlan plan) => Reset();

    public void Reset()
    {
        Filled = 0;
        Rows = 0;
        _rowStarted = false;
    }

    public override void WriteNull()
    {
        Separate();
        Ensure(2);
        Buffer[Filled++] = (byte)'\\';
        Buffer[Filled++] = (byte)'N';
    }

    public override void WriteValue(ReadOnlySpan<byte> value)
    {
        Separate();
        Ensure(value.Length * 2);
        // Copy runs of plain bytes in bulk; only the few special bytes are escaped one by one.
        while (!value.IsEmpty)
        {
            var special = value.IndexOfAny(Special);
            var run = special < 0 ? value.Length : special;
            value[..run].CopyTo(Buffer.AsSpan(Filled));
            Filled += run;
            if (special < 0) break;
            Buffer[Filled++] = (byte)'\\';
            Buffer[Filled++] = value[special] switch
            {
                (byte)'\t' => (byte)'t',
                (byte)'\n' => (byte)'n',
                (byte)'\r' => (byte)'r',
                0 => (byte)'0',
                var b => b, // the backslash itself
            };
            value = value[(special + 1)..];
        }
    }

    private static readonly System.Buffers.SearchValues<byte> Special =
        System.Buffers.SearchValues.Create([(byte)'\\', (byte)'\t', (byte)'\n', (byte)'\r', 0]);

    public override void EndRow()
    {
        Ensure(1);
        Buffer[Filled++] = (byte)'\n';
        _rowStarted = false;
        Rows++;
    }

    private void Separate()
    {
        if (_rowStarted)
        {
            Ensure(1);
            Buffer[Filled++] = (byte)'\t';
        }
        _rowStarted = true;
    }
}
