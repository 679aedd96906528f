using System.Buffers.Binary;
using System.Text;

namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>
/// A forward-only reader over one packet or event body. Every read checks the remaining length
/// and throws <see cref="FormatException"/> on truncated input, so a malformed packet never
/// turns into an out-of-range read or a silently wrong value.
/// </summary>
internal ref struct PacketReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _offset;

    public PacketReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _offset = 0;
    }

    public int Offset => _offset;
    public int Remaining => _buffer.Length - _offset;
    public bool IsEmpty => _offset >= _buffer.Length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
            throw new FormatException($"Truncated input: {count} bytes needed at offset {_offset}, {Remaining} left.");
        var span = _buffer.Slice(_offset, count);
        _offset += count;
        return span;
    }

    public void Skip(int count) => Take(count);

    public byte ReadByte() => Take(1)[0];
    public byte PeekByte() => Remaining > 0 ? _buffer[_offset] : throw new FormatException($"Truncated input at offset {_offset}.");
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint ReadUInt24() { var s = Take(3); return (uint)(s[0] | s[1] << 8 | s[2] << 16); }
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong ReadUInt48() { var s = Take(6); return BinaryPrimitives.ReadUInt32LittleEndian(s) | (ulong)BinaryPrimitives.ReadUInt16LittleEndian(s[4..]) << 32; }
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Little-endian unsigned integer of 1..8 bytes.</summary>
    public ulong ReadUIntLE(int size)
    {
        var s = Take(size);
        ulong value = 0;
        for (var i = size - 1; i >= 0; i--) value = value << 8 | s[i];
        return value;
    }

    /// <summary>Big-endian unsigned integer of 1..8 bytes (temporal and decimal row formats).</summary>
    public ulong ReadUIntBE(int size)
    {
        var s = Take(size);
        ulong value = 0;
        for (var i = 0; i < size; i++) value = value << 8 | s[i];
        return value;
    }

    /// <summary>Length-encoded integer; a NULL marker (0xFB) is reported as null.</summary>
    public ulong? ReadLengthEncodedIntegerOrNull()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFB => null,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw new FormatException($"Invalid length-encoded integer prefix 0xFF at offset {_offset - 1}."),
        };
    }

    public ulong ReadLengthEncodedInteger() =>
        ReadLengthEncodedIntegerOrNull() ?? throw new FormatException($"Unexpected NULL length at offset {_offset - 1}.");

    /// <summary>A length-encoded integer used as a length or count; values beyond the buffer are malformed.</summary>
    public int ReadLengthEncodedLength()
    {
        var value = ReadLengthEncodedInteger();
        if (value > int.MaxValue) throw new FormatException($"Length {value} at offset {_offset} is out of range.");
        return (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);
    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);
    public ReadOnlySpan<byte> ReadLengthEncodedBytes() => Take(ReadLengthEncodedLength());

    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var end = _buffer[_offset..].IndexOf((byte)0);
        if (end < 0) throw new FormatException($"Missing NUL terminator after offset {_offset}.");
        var span = _buffer.Slice(_offset, end);
        _offset += end + 1;
        return span;
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());
    public string ReadString(int count) => Encoding.UTF8.GetString(Take(count));
    public string ReadLengthEncodedString() => Encoding.UTF8.GetString(ReadLengthEncodedBytes());
    public string ReadRestAsString() => Encoding.UTF8.GetString(ReadRest());
}
