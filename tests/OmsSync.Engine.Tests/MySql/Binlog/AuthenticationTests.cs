using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Binlog.Protocol;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

/// <summary>The authentication exchanges, against a scripted server on loopback that checks what the client sends.</summary>
public sealed class AuthenticationTests
{
    private const string Password = "pässw0rd";
    private static readonly byte[] Nonce = Enumerable.Range(40, 20).Select(i => (byte)i).ToArray();

    private static byte[] Handshake(string plugin)
    {
        var caps = (uint)(CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth |
                          CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.LongPassword | CapabilityFlags.Transactions);
        return new PacketWriter()
            .WriteByte(10).WriteNullTerminatedString("8.0.36").WriteUInt32(1)
            .WriteBytes(Nonce.AsSpan(0, 8)).WriteByte(0)
            .WriteUInt16((ushort)caps).WriteByte(255).WriteUInt16(2).WriteUInt16((ushort)(caps >> 16))
            .WriteByte(21).WriteZeros(10).WriteBytes(Nonce.AsSpan(8)).WriteByte(0)
            .WriteNullTerminatedString(plugin).ToArray();
    }

    private static readonly byte[] Ok = [0, 0, 0, 2, 0, 0, 0];

    /// <summary>Runs <paramref name="script"/> as the server for one client connection and returns the options to reach it.</summary>
    private static async Task RunAsync(Func<PacketChannel, Task> script, Func<BinlogConnectionOptions, Task> client, bool allowKeyRetrieval = false)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            var channel = new PacketChannel(socket.GetStream());
            await script(channel);
        });
        var options = new BinlogConnectionOptions
        {
            Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, User = "repl", Password = Password,
            TlsMode = BinlogTlsMode.Disabled, AllowPublicKeyRetrieval = allowKeyRetrieval,
        };
        await client(options);
        await server.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<(string User, byte[] Auth, string Plugin)> ReadResponseAsync(PacketChannel channel)
    {
        var packet = await channel.ReadPacketAsync(CancellationToken.None);
        var reader = new PacketReader(packet);
        reader.Skip(4 + 4 + 1 + 23);
        var user = reader.ReadNullTerminatedString();
        var auth = reader.ReadLengthEncodedBytes().ToArray();
        return (user, auth, reader.ReadNullTerminatedString());
    }

    [Fact]
    public async Task CachingSha2FullAuthenticationWithRequestedPublicKey()
    {
        using var rsa = RSA.Create(2048);
        await RunAsync(async channel =>
        {
            await channel.WritePacketAsync(Handshake("caching_sha2_password"), CancellationToken.None);
            var (user, auth, plugin) = await ReadResponseAsync(channel);
            Assert.Equal(("repl", "caching_sha2_password"), (user, plugin));
            Assert.Equal(AuthScramble.CachingSha2(Password, Nonce), auth);
            await channel.WritePacketAsync(new byte[] { 0x01, 0x04 }, CancellationToken.None); // not cached: full authentication
            Assert.Equal([0x02], await channel.ReadPacketAsync(CancellationToken.None));      // the public key request
            await channel.WritePacketAsync(new byte[] { 0x01 }.Concat(Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem())).ToArray(), CancellationToken.None);
            var clear = rsa.Decrypt(await channel.ReadPacketAsync(CancellationToken.None), RSAEncryptionPadding.OaepSHA1);
            Assert.Equal([.. Encoding.UTF8.GetBytes(Password), 0], clear.Select((b, i) => (byte)(b ^ Nonce[i % 20])));
            await channel.WritePacketAsync(Ok, CancellationToken.None);
            Assert.Equal([0x01], await channel.ReadPacketAsync(CancellationToken.None)); // COM_QUIT on dispose
        }, async options =>
        {
            await using var connection = await ReplicationConnection.OpenAsync(options, CancellationToken.None);
            Assert.False(connection.IsMariaDb);
        }, allowKeyRetrieval: true);
    }

    [Fact]
    public async Task CachingSha2FastPath()
    {
        await RunAsync(async channel =>
        {
            await channel.WritePacketAsync(Handshake("caching_sha2_password"), CancellationToken.None);
            await ReadResponseAsync(channel);
            await channel.WritePacketAsync(new byte[] { 0x01, 0x03 }, CancellationToken.None);
            await channel.WritePacketAsync(Ok, CancellationToken.None);
            await channel.ReadPacketAsync(CancellationToken.None);
        }, async options => { await using var _ = await ReplicationConnection.OpenAsync(options, CancellationToken.None); });
    }

    [Fact]
    public async Task FullAuthenticationOverPlainTcpNeedsAKeyOrPermission()
    {
        await RunAsync(async channel =>
        {
            await channel.WritePacketAsync(Handshake("caching_sha2_password"), CancellationToken.None);
            await ReadResponseAsync(channel);
            await channel.WritePacketAsync(new byte[] { 0x01, 0x04 }, CancellationToken.None);
        }, async options =>
        {
            await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => ReplicationConnection.OpenAsync(options, CancellationToken.None));
        });
    }

    [Fact]
    public async Task AuthSwitchToNativePassword()
    {
        var newNonce = Enumerable.Range(100, 20).Select(i => (byte)i).ToArray();
        await RunAsync(async channel =>
        {
            await channel.WritePacketAsync(Handshake("caching_sha2_password"), CancellationToken.None);
            await ReadResponseAsync(channel);
            await channel.WritePacketAsync(new PacketWriter().WriteByte(0xFE).WriteNullTerminatedString("mysql_native_password")
                .WriteBytes(newNonce).WriteByte(0).ToArray(), CancellationToken.None);
            Assert.Equal(AuthScramble.Native(Password, newNonce), await channel.ReadPacketAsync(CancellationToken.None));
            await channel.WritePacketAsync(Ok, CancellationToken.None);
            await channel.ReadPacketAsync(CancellationToken.None);
        }, async options => { await using var _ = await ReplicationConnection.OpenAsync(options, CancellationToken.None); });
    }

    [Fact]
    public async Task AccessDeniedIsATypedServerError()
    {
        await RunAsync(async channel =>
        {
            await channel.WritePacketAsync(Handshake("mysql_native_password"), CancellationToken.None);
            var (_, auth, _) = await ReadResponseAsync(channel);
            Assert.Equal(AuthScramble.Native(Password, Nonce), auth);
            await channel.WritePacketAsync(new PacketWriter().WriteByte(0xFF).WriteUInt16(1045).WriteString("#28000Access denied for user 'repl'").ToArray(), CancellationToken.None);
        }, async options =>
        {
            var e = await Assert.ThrowsAsync<BinlogServerException>(() => ReplicationConnection.OpenAsync(options, CancellationToken.None));
            Assert.Equal((BinlogServerException.AccessDenied, "28000"), (e.ErrorNumber, e.SqlState));
        });
    }
}
