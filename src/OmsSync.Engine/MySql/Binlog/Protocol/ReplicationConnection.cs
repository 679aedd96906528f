using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>
/// One authenticated connection speaking the client/server protocol on a raw socket: enough of
/// it for a replica (session setup queries, COM_REGISTER_SLAVE, the binlog dump commands, and
/// then reading the event packets the server streams).
/// </summary>
internal sealed class ReplicationConnection : IAsyncDisposable
{
    private const byte ComQuit = 0x01;
    private const byte ComQuery = 0x03;
    private const uint MaxPacketSize = 1 << 30;
    private const byte Utf8Mb4GeneralCi = 45;

    private readonly TcpClient _tcp;
    private readonly PacketChannel _channel;
    private Stream _stream;

    private ReplicationConnection(TcpClient tcp, Stream stream, PacketChannel channel, InitialHandshake handshake)
    {
        _tcp = tcp;
        _stream = stream;
        _channel = channel;
        Handshake = handshake;
    }

    public InitialHandshake Handshake { get; }
    public bool IsMariaDb => Handshake.IsMariaDb;
    public bool IsEncrypted { get; private set; }

    public static async Task<ReplicationConnection> OpenAsync(BinlogConnectionOptions options, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.ConnectTimeout);
                await tcp.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            }
            var stream = tcp.GetStream();
            // One channel for the whole connection: it buffers what it reads.
            var channel = new PacketChannel(stream);
            var first = await channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            var connection = new ReplicationConnection(tcp, stream, channel, InitialHandshake.Parse(first));
            connection._channel.Sequence = 1;
            await connection.AuthenticateAsync(options, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private async Task AuthenticateAsync(BinlogConnectionOptions options, CancellationToken cancellationToken)
    {
        var serverCaps = Handshake.Capabilities;
        var caps = CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.Protocol41 |
                   CapabilityFlags.Transactions | CapabilityFlags.SecureConnection | CapabilityFlags.MultiResults |
                   CapabilityFlags.PluginAuth | CapabilityFlags.PluginAuthLengthEncodedClientData;
        caps &= serverCaps | CapabilityFlags.LongPassword;
        if ((serverCaps & CapabilityFlags.Protocol41) == 0)
            throw new BinlogUnsupportedException($"Server {Handshake.ServerVersion} does not speak protocol 4.1.");

        var serverTls = (serverCaps & CapabilityFlags.Ssl) != 0;
        if (options.TlsMode == BinlogTlsMode.Required && !serverTls)
            throw new AuthenticationException($"TLS is required but server {options.Endpoint} does not offer it (have_ssl is off).");
        if (options.TlsMode != BinlogTlsMode.Disabled && serverTls)
        {
            caps |= CapabilityFlags.Ssl;
            var sslRequest = new PacketWriter().WriteUInt32((uint)caps).WriteUInt32(MaxPacketSize).WriteByte(Utf8Mb4GeneralCi).WriteZeros(23);
            await _channel.WritePacketAsync(sslRequest.ToMemory(), cancellationToken).ConfigureAwait(false);
            var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, options.CertificateValidation);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = options.Host }, cancellationToken).ConfigureAwait(false);
            _stream = ssl;
            _channel.Upgrade(ssl);
            IsEncrypted = true;
        }

        var plugin = Handshake.AuthPluginName;
        var nonce = Handshake.AuthPluginData;
        var response = new PacketWriter()
            .WriteUInt32((uint)caps).WriteUInt32(MaxPacketSize).WriteByte(Utf8Mb4GeneralCi).WriteZeros(23)
            .WriteNullTerminatedString(options.User);
        var authData = Scramble(plugin, options.Password, nonce);
        if ((caps & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0) response.WriteLengthEncodedBytes(authData);
        else response.WriteByte((byte)authData.Length).WriteBytes(authData);
        if ((caps & CapabilityFlags.PluginAuth) != 0) response.WriteNullTerminatedString(plugin);
        await _channel.WritePacketAsync(response.ToMemory(), cancellationToken).ConfigureAwait(false);

        while (true)
        {
            var packet = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (packet.Length == 0) throw new FormatException("Empty packet during authentication.");
            switch (packet[0])
            {
                case 0x00:
                    return;
                case ErrorPacket.Header:
                    throw ErrorPacket.Parse(packet).ToException();
                case 0xFE: // auth switch request: plugin name, new nonce
                {
                    var reader = new PacketReader(packet);
                    reader.Skip(1);
                    plugin = reader.ReadNullTerminatedString();
                    var data = reader.ReadRest();
                    nonce = (data.Length > 0 && data[^1] == 0 ? data[..^1] : data).ToArray();
                    await WriteAsync(Scramble(plugin, options.Password, nonce), cancellationToken).ConfigureAwait(false);
                    break;
                }
                case 0x01 when plugin == AuthScramble.CachingSha2Password:
                    await ContinueCachingSha2Async(packet, options, nonce, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new FormatException($"Unexpected packet 0x{packet[0]:X2} during {plugin} authentication.");
            }
        }
    }

    private static byte[] Scramble(string plugin, string password, byte[] nonce) => plugin switch
    {
        AuthScramble.NativePassword => AuthScramble.Native(password, nonce),
        AuthScramble.CachingSha2Password => AuthScramble.CachingSha2(password, nonce),
        _ => throw new BinlogUnsupportedException(
            $"Authentication plugin '{plugin}' is not supported; give the replication user mysql_native_password or caching_sha2_password."),
    };

    /// <summary>caching_sha2_password's extra round: 0x03 = fast path done, 0x04 = full authentication needed.</summary>
    private async Task ContinueCachingSha2Async(byte[] packet, BinlogConnectionOptions options, byte[] nonce, CancellationToken cancellationToken)
    {
        if (packet.Length < 2) throw new FormatException("Truncated caching_sha2_password packet.");
        if (packet[1] == 0x03) return; // the OK packet follows
        if (packet[1] != 0x04)
        {
            // Public key sent in reply to our request.
            var pem = Encoding.ASCII.GetString(packet, 1, packet.Length - 1);
            await WriteAsync(AuthScramble.RsaEncrypt(options.Password, nonce, pem), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (IsEncrypted)
            await WriteAsync(AuthScramble.ClearText(options.Password), cancellationToken).ConfigureAwait(false);
        else if (options.ServerPublicKeyPem is { } known)
            await WriteAsync(AuthScramble.RsaEncrypt(options.Password, nonce, known), cancellationToken).ConfigureAwait(false);
        else if (options.AllowPublicKeyRetrieval)
            await WriteAsync([0x02], cancellationToken).ConfigureAwait(false);
        else
            throw new AuthenticationException(
                "caching_sha2_password needs full authentication: use TLS, supply the server's public key, or allow public key retrieval.");
    }

    private ValueTask WriteAsync(byte[] payload, CancellationToken cancellationToken) =>
        _channel.WritePacketAsync(payload, cancellationToken);

    /// <summary>Sends a command packet (sequence restarts at zero).</summary>
    public ValueTask SendCommandAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        _channel.Sequence = 0;
        return _channel.WritePacketAsync(payload, cancellationToken);
    }

    public ValueTask<byte[]> ReadPacketAsync(CancellationToken cancellationToken) => _channel.ReadPacketAsync(cancellationToken);

    /// <summary>Runs a statement that returns no rows (SET ...); server errors are thrown.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        if (rows.Count > 0) throw new FormatException($"'{sql}' returned rows where none were expected.");
    }

    /// <summary>Runs a text query and returns its rows as strings (NULL as null); enough for session setup and variables.</summary>
    public async Task<IReadOnlyList<string?[]>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        await SendCommandAsync(new PacketWriter().WriteByte(ComQuery).WriteString(sql).ToMemory(), cancellationToken).ConfigureAwait(false);
        var first = await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        if (first.Length == 0) throw new FormatException("Empty query response.");
        if (first[0] == ErrorPacket.Header) throw ErrorPacket.Parse(first).ToException();
        if (first[0] == 0x00) return [];
        var columnCount = new PacketReader(first).ReadLengthEncodedLength();
        for (var i = 0; i < columnCount; i++) await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        var afterColumns = await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<string?[]>();
        var packet = IsEof(afterColumns) ? await ReadPacketAsync(cancellationToken).ConfigureAwait(false) : afterColumns;
        while (!IsEof(packet))
        {
            if (packet[0] == ErrorPacket.Header) throw ErrorPacket.Parse(packet).ToException();
            var reader = new PacketReader(packet);
            var row = new string?[columnCount];
            for (var i = 0; i < columnCount; i++)
                row[i] = reader.PeekByte() == 0xFB ? SkipNull(ref reader) : reader.ReadLengthEncodedString();
            rows.Add(row);
            packet = await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        }
        return rows;
    }

    private static string? SkipNull(ref PacketReader reader)
    {
        reader.Skip(1);
        return null;
    }

    private static bool IsEof(byte[] packet) => packet.Length is > 0 and < 9 && packet[0] == 0xFE;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_tcp.Connected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await SendCommandAsync(new byte[] { ComQuit }, quick.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The connection is going away either way.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }
}
