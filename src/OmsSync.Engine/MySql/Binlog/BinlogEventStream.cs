using System.Runtime.CompilerServices;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Opens a replica session and streams the decoded events: checksum negotiation, heartbeat period,
/// MariaDB GTID capability and connect state, COM_REGISTER_SLAVE, then the dump command.
/// </summary>
internal sealed class BinlogEventStream : IAsyncDisposable
{
    private const byte EventMarker = 0x00;
    private const byte EndOfFileMarker = 0xFE;
    private const int MariaDbSlaveCapabilityGtid = 4;

    private readonly ReplicationConnection _connection;
    private readonly BinlogEventDecoder _decoder;
    private readonly TimeSpan _idleTimeout;
    private readonly string _server;

    private BinlogEventStream(ReplicationConnection connection, ChecksumAlgorithm checksum, TimeSpan idleTimeout, string server)
    {
        _connection = connection;
        _decoder = new BinlogEventDecoder(checksum);
        _idleTimeout = idleTimeout;
        _server = server;
    }

    public BinlogServerFlavor Flavor => _connection.IsMariaDb ? BinlogServerFlavor.MariaDb : BinlogServerFlavor.MySql;
    public string ServerVersion => _connection.Handshake.ServerVersion;

    public static async Task<BinlogEventStream> OpenAsync(BinlogConnectionOptions options, BinlogStartPosition start, CancellationToken cancellationToken)
    {
        ReplicationConnection connection;
        try
        {
            connection = await ReplicationConnection.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            throw new IOException($"Cannot open a binlog connection to {options.Describe}: {e.Message}", e);
        }
        try
        {
            var checksum = await NegotiateChecksumAsync(connection, cancellationToken).ConfigureAwait(false);
            if (options.HeartbeatInterval > TimeSpan.Zero)
            {
                var nanoseconds = (long)options.HeartbeatInterval.TotalMilliseconds * 1_000_000L;
                await connection.ExecuteAsync($"SET @master_heartbeat_period = {nanoseconds}", cancellationToken).ConfigureAwait(false);
            }
            if (connection.IsMariaDb)
                await connection.ExecuteAsync($"SET @mariadb_slave_capability = {MariaDbSlaveCapabilityGtid}", cancellationToken).ConfigureAwait(false);

            byte[] dump;
            if (start.IsGtidStart && connection.IsMariaDb)
            {
                var gtids = start.MariaDbGtids ?? throw new ArgumentException("A MariaDB server needs a MariaDB GTID list to start from GTIDs.", nameof(start));
                await connection.ExecuteAsync($"SET @slave_connect_state = '{gtids}'", cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync("SET @slave_gtid_strict_mode = 0", cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync("SET @slave_gtid_ignore_duplicates = 0", cancellationToken).ConfigureAwait(false);
                dump = ReplicationCommands.Dump("", 4, options.ServerId);
            }
            else if (start.IsGtidStart)
            {
                var gtids = start.MySqlGtids ?? throw new ArgumentException("A MySQL server needs a GTID set to start from GTIDs.", nameof(start));
                dump = ReplicationCommands.DumpGtid(gtids, "", 4, options.ServerId);
            }
            else
            {
                dump = ReplicationCommands.Dump(start.File!, (uint)start.Position, options.ServerId);
            }

            await connection.SendCommandAsync(ReplicationCommands.RegisterReplica(options.ServerId, Environment.MachineName, 0), cancellationToken).ConfigureAwait(false);
            var registered = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (registered.Length > 0 && registered[0] == ErrorPacket.Header) throw ErrorPacket.Parse(registered).ToException(options.Describe);

            await connection.SendCommandAsync(dump, cancellationToken).ConfigureAwait(false);
            var idle = options.HeartbeatInterval > TimeSpan.Zero ? options.HeartbeatInterval * 3 + TimeSpan.FromSeconds(5) : Timeout.InfiniteTimeSpan;
            return new BinlogEventStream(connection, checksum, idle, options.Describe);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Tells the server we understand checksums and learns whether its events carry them.</summary>
    private static async Task<ChecksumAlgorithm> NegotiateChecksumAsync(ReplicationConnection connection, CancellationToken cancellationToken)
    {
        string? setting;
        try
        {
            var rows = await connection.QueryAsync("SELECT @@global.binlog_checksum", cancellationToken).ConfigureAwait(false);
            setting = rows.Count > 0 ? rows[0][0] : null;
        }
        catch (BinlogServerException e) when (e.ErrorNumber == 1193) // unknown variable: a server older than checksums
        {
            return ChecksumAlgorithm.Off;
        }
        await connection.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum", cancellationToken).ConfigureAwait(false);
        return string.Equals(setting, "CRC32", StringComparison.OrdinalIgnoreCase) ? ChecksumAlgorithm.Crc32 : ChecksumAlgorithm.Off;
    }

    /// <summary>The events, until the server ends the stream or the token is cancelled.</summary>
    public async IAsyncEnumerable<BinlogEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The idle timer is set again at most once a second, with a second's slack: a timer change per event was a
        // lock and a timer-queue update for each of them, and the timeout still never fires before the idle time.
        long? timerSet = null;
        while (true)
        {
            if (timerSet is not { } set || Environment.TickCount64 - set >= 1_000)
            {
                timerSet = Environment.TickCount64;
                idle.CancelAfter(_idleTimeout + TimeSpan.FromSeconds(1));
            }
            byte[] packet;
            try
            {
                packet = await _connection.ReadPacketAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No event or heartbeat arrived from {_server} for {_idleTimeout.TotalSeconds:0} s.");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                // "The server closed the connection." alone does not say which of the task's servers it was.
                throw new IOException($"The binlog connection to {_server} was lost: {e.Message}", e);
            }
            if (packet.Length == 0) throw new FormatException("Empty packet in the binlog stream.");
            switch (packet[0])
            {
                case EventMarker:
                    yield return _decoder.Decode(packet.AsSpan(1));
                    break;
                case ErrorPacket.Header:
                    throw ErrorPacket.Parse(packet).ToException(_server);
                case EndOfFileMarker when packet.Length < 9:
                    yield break;
                default:
                    throw new FormatException($"Unexpected packet 0x{packet[0]:X2} in the binlog stream.");
            }
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
