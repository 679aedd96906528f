using System.Security.Cryptography;
using System.Text;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Binlog.Protocol;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class ProtocolTests
{
    [Fact]
    public async Task PacketChannelFramesSmallPacketsWithSequence()
    {
        var stream = new MemoryStream();
        var channel = new PacketChannel(stream) { Sequence = 3 };
        await channel.WritePacketAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
        Assert.Equal([3, 0, 0, 3, 1, 2, 3], stream.ToArray());
        stream.Position = 0;
        var read = await new PacketChannel(stream).ReadPacketAsync(CancellationToken.None);
        Assert.Equal([1, 2, 3], read);
    }

    [Theory]
    [InlineData(PacketChannel.MaxFrameLength - 1, 1)]
    [InlineData(PacketChannel.MaxFrameLength, 2)]       // exactly one full frame: an empty frame follows
    [InlineData(PacketChannel.MaxFrameLength + 10, 2)]
    [InlineData(2 * PacketChannel.MaxFrameLength + 1, 3)]
    public async Task PacketChannelSplitsAndReassemblesLargePayloads(int length, int frames)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var stream = new MemoryStream();
        var writer = new PacketChannel(stream);
        await writer.WritePacketAsync(payload, CancellationToken.None);
        Assert.Equal(length + 4 * frames, stream.Length);
        Assert.Equal(frames, writer.Sequence);
        stream.Position = 0;
        var reader = new PacketChannel(stream);
        Assert.Equal(payload, await reader.ReadPacketAsync(CancellationToken.None));
        Assert.Equal(frames, reader.Sequence);
    }

    [Fact]
    public async Task PacketChannelReportsAClosedConnection()
    {
        var stream = new MemoryStream([5, 0, 0, 0, 1, 2]);
        await Assert.ThrowsAsync<EndOfStreamException>(() => new PacketChannel(stream).ReadPacketAsync(CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(new byte[] { 0xFA }, 250UL)]
    [InlineData(new byte[] { 0xFC, 0x34, 0x12 }, 0x1234UL)]
    [InlineData(new byte[] { 0xFD, 0x56, 0x34, 0x12 }, 0x123456UL)]
    [InlineData(new byte[] { 0xFE, 1, 2, 3, 4, 5, 6, 7, 8 }, 0x0807060504030201UL)]
    public void LengthEncodedIntegersRoundTrip(byte[] bytes, ulong value)
    {
        var reader = new PacketReader(bytes);
        Assert.Equal(value, reader.ReadLengthEncodedInteger());
        Assert.True(reader.IsEmpty);
        Assert.Equal(bytes, new PacketWriter().WriteLengthEncodedInteger(value).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0xFC, 0x34 })]
    [InlineData(new byte[] { 0xFE, 1, 2 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { })]
    public void TruncatedOrInvalidLengthsAreFormatErrors(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => new PacketReader(bytes).ReadLengthEncodedInteger());
    }

    [Fact]
    public void NullTerminatedStringWithoutTerminatorIsAFormatError()
    {
        Assert.Throws<FormatException>(() => new PacketReader("abc"u8).ReadNullTerminatedString());
    }

    private static byte[] Handshake(string version, string plugin, uint capabilities)
    {
        var nonce = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
        return new PacketWriter()
            .WriteByte(10).WriteNullTerminatedString(version).WriteUInt32(42)
            .WriteBytes(nonce.AsSpan(0, 8)).WriteByte(0)
            .WriteUInt16((ushort)capabilities).WriteByte(45).WriteUInt16(2).WriteUInt16((ushort)(capabilities >> 16))
            .WriteByte(21).WriteZeros(10).WriteBytes(nonce.AsSpan(8)).WriteByte(0)
            .WriteNullTerminatedString(plugin).ToArray();
    }

    [Fact]
    public void HandshakeV10IsParsed()
    {
        var caps = (uint)(CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth | CapabilityFlags.Ssl);
        var handshake = InitialHandshake.Parse(Handshake("10.11.6-MariaDB-0+deb12u1-log", "mysql_native_password", caps));
        Assert.Equal("10.11.6-MariaDB-0+deb12u1-log", handshake.ServerVersion);
        Assert.True(handshake.IsMariaDb);
        Assert.Equal(42u, handshake.ConnectionId);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (byte)i), handshake.AuthPluginData);
        Assert.Equal("mysql_native_password", handshake.AuthPluginName);
        Assert.True(handshake.Capabilities.HasFlag(CapabilityFlags.Ssl));

        var mysql = InitialHandshake.Parse(Handshake("8.0.36", "caching_sha2_password", caps));
        Assert.False(mysql.IsMariaDb);
        Assert.Equal("caching_sha2_password", mysql.AuthPluginName);
    }

    [Fact]
    public void HandshakeErrorBecomesServerException()
    {
        var error = ErrorPacket.Parse(new PacketWriter().WriteByte(0xFF).WriteUInt16(1040).WriteString("Too many connections").ToArray());
        var e = Assert.Throws<BinlogServerException>(() => InitialHandshake.Parse(
            new PacketWriter().WriteByte(0xFF).WriteUInt16(1040).WriteString("Too many connections").ToArray()));
        Assert.Equal(1040, e.ErrorNumber);
        Assert.Equal("HY000", error.SqlState);
    }

    [Fact]
    public void ErrPacketCarriesNumberAndSqlState()
    {
        var payload = new PacketWriter().WriteByte(0xFF).WriteUInt16(1236).WriteString("#HY000")
            .WriteString("Could not find first log file name in binary log index file").ToArray();
        var e = ErrorPacket.Parse(payload).ToException();
        Assert.Equal(1236, e.ErrorNumber);
        Assert.Equal("HY000", e.SqlState);
        Assert.True(e.IsBinlogUnavailable);
        Assert.Equal("Could not find first log file name in binary log index file", e.ServerMessage);
        Assert.False(ErrorPacket.Parse(new PacketWriter().WriteByte(0xFF).WriteUInt16(1045).WriteString("#28000denied").ToArray()).ToException().IsBinlogUnavailable);
    }

    [Fact]
    public void NativePasswordScrambleVerifiesTheWayTheServerChecksIt()
    {
        var nonce = RandomNumberGenerator.GetBytes(20);
        var scramble = AuthScramble.Native("s3cret", nonce);
        // The server stores SHA1(SHA1(password)) and recovers SHA1(password) from the scramble.
        var stored = SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes("s3cret")));
        var mask = SHA1.HashData([.. nonce, .. stored]);
        var candidate = scramble.Select((b, i) => (byte)(b ^ mask[i])).ToArray();
        Assert.Equal(stored, SHA1.HashData(candidate));
        Assert.Empty(AuthScramble.Native("", nonce));
    }

    [Fact]
    public void CachingSha2ScrambleVerifiesTheWayTheServerChecksIt()
    {
        var nonce = RandomNumberGenerator.GetBytes(20);
        var scramble = AuthScramble.CachingSha2("s3cret", nonce);
        var stored = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes("s3cret")));
        var mask = SHA256.HashData([.. stored, .. nonce]);
        var candidate = scramble.Select((b, i) => (byte)(b ^ mask[i])).ToArray();
        Assert.Equal(stored, SHA256.HashData(candidate));
    }

    [Fact]
    public void RsaPasswordDecryptsToThePasswordXorNonce()
    {
        using var rsa = RSA.Create(2048);
        var nonce = RandomNumberGenerator.GetBytes(20);
        var encrypted = AuthScramble.RsaEncrypt("pässword", nonce, rsa.ExportSubjectPublicKeyInfoPem());
        var clear = rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
        var password = clear.Select((b, i) => (byte)(b ^ nonce[i % 20])).ToArray();
        Assert.Equal([.. Encoding.UTF8.GetBytes("pässword"), 0], password);
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        var data = new byte[1000];
        new Random(1).NextBytes(data);
        // Slicing by eight must agree with the bytewise result on every length.
        for (var n = 0; n < 20; n++) Assert.Equal(Bitwise(data.AsSpan(0, n * 37)), Crc32.Compute(data.AsSpan(0, n * 37)));
    }

    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void DumpCommandsHaveTheirWireLayout()
    {
        Assert.Equal([0x12, 4, 1, 0, 0, 0, 0, 0xE9, 0xFD, 0, 0, .. "mysql-bin.000001"u8], ReplicationCommands.Dump("mysql-bin.000001", 260, 65_001));
        var register = ReplicationCommands.RegisterReplica(7, "h", 3306);
        Assert.Equal([0x15, 7, 0, 0, 0, 1, (byte)'h', 0, 0, 0xEA, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0], register);
    }

    [Fact]
    public void GtidSetIsEncodedForDumpGtid()
    {
        var set = MySqlGtidSet.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7");
        var bytes = ReplicationCommands.EncodeGtidSet(set);
        var reader = new PacketReader(bytes);
        Assert.Equal(1UL, reader.ReadUInt64());
        Assert.Equal(Convert.FromHexString("3e11fa4771ca11e19e33c80aa9429562"), reader.ReadBytes(16).ToArray());
        Assert.Equal(2UL, reader.ReadUInt64());
        Assert.Equal([1UL, 6UL, 7UL, 8UL], new[] { reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64() });
        Assert.True(reader.IsEmpty);

        var command = ReplicationCommands.DumpGtid(set, "", 4, 9);
        Assert.Equal(0x1E, command[0]);
        Assert.Equal(bytes.Length, (int)new PacketReader(command.AsSpan(1 + 2 + 4 + 4 + 8)).ReadUInt32());
    }
}
