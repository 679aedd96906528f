using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace OmsSync.Engine.Changes.Spill;

/// <summary>
/// A temporary file that the encoded rows of one large transaction are appended to, then read back at
/// offsets (by several readers at once if need be). Disposing deletes it; a file left by a killed process
/// is removed by whoever owns the folder when it starts again.
/// </summary>
internal sealed class SpillFile : IDisposable
{
    private const int WriteBufferBytes = 1 << 20;

    private readonly SafeFileHandle _handle;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(WriteBufferBytes);
    private int _buffered;
    private long _written;

    private SpillFile(SafeFileHandle handle) => _handle = handle;

    public static SpillFile Create(string directory)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.spill");
        return new SpillFile(File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose));
    }

    /// <summary>Bytes appended so far.</summary>
    public long Length => _written + _buffered;

    /// <summary>Appends bytes; returns the offset they start at.</summary>
    public long Append(ReadOnlySpan<byte> bytes)
    {
        var buffer = _buffer ?? throw new InvalidOperationException("The spill file is sealed.");
        var offset = Length;
        if (_buffered + bytes.Length > buffer.Length) Flush();
        if (bytes.Length >= buffer.Length)
        {
            RandomAccess.Write(_handle, bytes, _written);
            _written += bytes.Length;
        }
        else
        {
            bytes.CopyTo(buffer.AsSpan(_buffered));
            _buffered += bytes.Length;
        }
        return offset;
    }

    /// <summary>Ends appending: what was written is on file and may be read.</summary>
    public void Seal()
    {
        if (_buffer is null) return;
        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    /// <summary>Fills <paramref name="into"/> from <paramref name="offset"/>; only after <see cref="Seal"/>.</summary>
    public void Read(long offset, Span<byte> into)
    {
        if (_buffer is not null) throw new InvalidOperationException("The spill file is read only after it is sealed.");
        while (!into.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, into, offset);
            if (read == 0) throw new EndOfStreamException($"The spill file ends at {offset}, before the rows it should hold.");
            into = into[read..];
            offset += read;
        }
    }

    private void Flush()
    {
        if (_buffered == 0) return;
        RandomAccess.Write(_handle, _buffer.AsSpan(0, _buffered), _written);
        _written += _buffered;
        _buffered = 0;
    }

    public void Dispose()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _handle.Dispose();
    }
}
