using System.Buffers.Binary;

namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>
/// Frames MySQL packets over a stream: a 3-byte little-endian payload length and a sequence
/// number, with payloads of 16 MB - 1 or more split across several frames (a frame of exactly
/// 0xFFFFFF bytes means "more follows"). Reads reassemble the logical payload.
/// </summary>
internal sealed class PacketChannel
{
    public const int MaxFrameLength = 0xFFFFFF;

    // Reads go through a buffer: a binlog stream is many small packets, and a socket read for each header and
    // each payload would cost more than decoding them.
    private const int ReadBufferSize = 64 * 1024;

    private readonly byte[] _header = new byte[4];
    private readonly byte[] _buffer = new byte[ReadBufferSize];
    private int _buffered, _consumed;
    private Stream _stream;

    public PacketChannel(Stream stream) => _stream = stream;

    /// <summary>The sequence number the next packet written will carry.</summary>
    public byte Sequence { get; set; }

    /// <summary>Replaces the transport, e.g. after the TLS upgrade; the sequence carries on.</summary>
    public void Upgrade(Stream stream)
    {
        if (_consumed != _buffered) throw new InvalidOperationException("The server sent data before the transport was upgraded.");
        _stream = stream;
    }

    public async ValueTask<byte[]> ReadPacketAsync(CancellationToken cancellationToken)
    {
        byte[]? assembled = null;
        var total = 0;
        while (true)
        {
            await ReadExactlyAsync(_header, cancellationToken).ConfigureAwait(false);
            var length = _header[0] | _header[1] << 8 | _header[2] << 16;
            Sequence = (byte)(_header[3] + 1);
            if (assembled is null && length < MaxFrameLength)
            {
                var single = new byte[length];
                await ReadExactlyAsync(single, cancellationToken).ConfigureAwait(false);
                return single;
            }
            assembled ??= new byte[Math.Max(length, 1) * 2];
            if (total + length > assembled.Length)
            {
                if ((long)total + length > Array.MaxLength) throw new FormatException("Packet exceeds the largest array .NET can hold.");
                Array.Resize(ref assembled, (int)Math.Min(Array.MaxLength, Math.Max((long)assembled.Length * 2, (long)total + length)));
            }
            await ReadExactlyAsync(assembled.AsMemory(total, length), cancellationToken).ConfigureAwait(false);
            total += length;
            if (length < MaxFrameLength)
                return assembled.AsSpan(0, total).ToArray();
        }
    }

    public async ValueTask WritePacketAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var length = Math.Min(MaxFrameLength, payload.Length - offset);
            BinaryPrimitives.WriteUInt32LittleEndian(_header, (uint)length);
            _header[3] = Sequence++;
            await _stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(payload.Slice(offset, length), cancellationToken).ConfigureAwait(false);
            offset += length;
            // A payload that is an exact multiple of the frame size ends with an empty frame.
            if (length < MaxFrameLength) break;
        }
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < destination.Length)
        {
            if (_consumed == _buffered)
            {
                // What would fill the buffer anyway goes straight to its destination.
                if (destination.Length - read >= ReadBufferSize)
                {
                    read += Check(await _stream.ReadAsync(destination[read..], cancellationToken).ConfigureAwait(false));
                    continue;
                }
                _consumed = 0;
                _buffered = 0;
                _buffered = Check(await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false));
            }
            var take = Math.Min(_buffered - _consumed, destination.Length - read);
            _buffer.AsSpan(_consumed, take).CopyTo(destination.Span[read..]);
            _consumed += take;
            read += take;
        }
    }

    private static int Check(int read) => read == 0 ? throw new EndOfStreamException("The server closed the connection.") : read;
}
