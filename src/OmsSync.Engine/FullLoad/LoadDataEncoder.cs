namespace OmsSync.Engine.FullLoad;

/// <summary>
/// Writes rows in the text form LOAD DATA reads with FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
/// LINES TERMINATED BY '\n': NULL is \N, and tab, newline, carriage return, NUL and backslash are escaped.
/// Bytes are copied as they are; with CHARACTER SET binary the server stores them unchanged.
/// </summary>
internal sealed class LoadDataEncoder : ChunkBuffer
{
    private byte[] _buffer;
    private int _length;
    private bool _rowStarted;

    public LoadDataEncoder(int initialCapacity = 1 << 20) => _buffer = new byte[initialCapacity];

    public override int Length => _length;

    public override ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public Stream AsStream() => new MemoryStream(_buffer, 0, _length, writable: false);

    public override void Reset(TableCopyPlan plan) => Reset();

    public void Reset()
    {
        _length = 0;
        Rows = 0;
        _rowStarted = false;
    }

    public override void WriteNull()
    {
        Separate();
        Ensure(2);
        _buffer[_length++] = (byte)'\\';
        _buffer[_length++] = (byte)'N';
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
            value[..run].CopyTo(_buffer.AsSpan(_length));
            _length += run;
            if (special < 0) break;
            _buffer[_length++] = (byte)'\\';
            _buffer[_length++] = value[special] switch
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
        _buffer[_length++] = (byte)'\n';
        _rowStarted = false;
        Rows++;
    }

    private void Separate()
    {
        if (_rowStarted)
        {
            Ensure(1);
            _buffer[_length++] = (byte)'\t';
        }
        _rowStarted = true;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        var size = Math.Max(_buffer.Length * 2, _length + extra);
        Array.Resize(ref _buffer, size);
    }
}
