using System.Buffers.Binary;
using System.Text;

namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>Builds a packet payload (without the 4-byte frame header).</summary>
internal sealed class PacketWriter
{
    private byte[] _buffer = new byte[128];
    private int _length;

    public int Length => _length;

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public PacketWriter WriteByte(byte value) { Grow(1)[0] = value; return this; }
    public PacketWriter WriteUInt16(ushort value) { BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value); return this; }
    public PacketWriter WriteUInt32(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value); return this; }
    public PacketWriter WriteUInt64(ulong value) { BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value); return this; }
    public PacketWriter WriteBytes(ReadOnlySpan<byte> value) { value.CopyTo(Grow(value.Length)); return this; }
    public PacketWriter WriteZeros(int count) { Grow(count).Clear(); return this; }
    public PacketWriter WriteString(string value) => WriteBytes(Encoding.UTF8.GetBytes(value));
    public PacketWriter WriteNullTerminatedString(string value) => WriteString(value).WriteByte(0);

    public PacketWriter WriteLengthEncodedInteger(ulong value)
    {
        switch (value)
        {
            case < 0xFB: return WriteByte((byte)value);
            case <= 0xFFFF: return WriteByte(0xFC).WriteUInt16((ushort)value);
            case <= 0xFFFFFF:
                WriteByte(0xFD);
                var s = Grow(3);
                s[0] = (byte)value; s[1] = (byte)(value >> 8); s[2] = (byte)(value >> 16);
                return this;
            default: return WriteByte(0xFE).WriteUInt64(value);
        }
    }

    public PacketWriter WriteLengthEncodedBytes(ReadOnlySpan<byte> value) =>
        WriteLengthEncodedInteger((ulong)value.Length).WriteBytes(value);

    /// <summary>A string prefixed by a one-byte length (COM_REGISTER_SLAVE fields).</summary>
    public PacketWriter WriteByteLengthString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > 255) throw new ArgumentException($"'{value}' is longer than 255 bytes.", nameof(value));
        return WriteByte((byte)bytes.Length).WriteBytes(bytes);
    }

    public ReadOnlyMemory<byte> ToMemory() => _buffer.AsMemory(0, _length);
    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}
