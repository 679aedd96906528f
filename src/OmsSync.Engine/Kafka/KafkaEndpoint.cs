using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// A Kafka data source as clients reach it: the bootstrap servers, TLS and SASL, and the configurations of the
/// transactional producers, read_committed consumers and admin clients a task uses.
/// </summary>
internal sealed class KafkaEndpoint
{
    private static int _loaded;

    public KafkaEndpoint(DataSource source, string password)
    {
        Source = source;
        Password = password;
        Bootstrap = string.Join(",", source.Server.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(host => host.Contains(':') ? host : $"{host}:{source.Port}"));
    }

    public DataSource Source { get; }
    public string Name => Source.Name;
    /// <summary>host:port,host:port, each host with a port.</summary>
    public string Bootstrap { get; }
    private string Password { get; }

    /// <summary>How long a transaction of a killed worker may stay open before the brokers abort it.</summary>
    public static readonly TimeSpan TransactionTimeout = TimeSpan.FromSeconds(60);

    private T Secure<T>(T config) where T : ClientConfig
    {
        EnsureNativeLoaded();
        config.BootstrapServers = Bootstrap;
        config.ClientId = "omssync";
        var security = Source.Kafka ?? new KafkaSecurity();
        config.SecurityProtocol = security.Protocol switch
        {
            KafkaProtocol.Ssl => SecurityProtocol.Ssl,
            KafkaProtocol.SaslPlaintext => SecurityProtocol.SaslPlaintext,
            KafkaProtocol.SaslSsl => SecurityProtocol.SaslSsl,
            _ => SecurityProtocol.Plaintext,
        };
        if (security.UsesSasl)
        {
            config.SaslMechanism = security.SaslMechanism switch
            {
                KafkaSaslMechanism.ScramSha256 => SaslMechanism.ScramSha256,
                KafkaSaslMechanism.ScramSha512 => SaslMechanism.ScramSha512,
                _ => SaslMechanism.Plain,
            };
            config.SaslUsername = Source.User;
            config.SaslPassword = Password;
        }
        if (security.CaCertificate is { } ca) config.SslCaLocation = ca;
        return config;
    }

    /// <summary>A transactional producer: idempotent, ordered per partition, fencing any older instance with the same id once initialised.</summary>
    public IProducer<byte[], byte[]?> TransactionalProducer(string transactionalId) =>
        new ProducerBuilder<byte[], byte[]?>(Secure(new ProducerConfig
        {
            TransactionalId = transactionalId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            BatchSize = 1 << 20,
            CompressionType = CompressionType.Lz4,
            TransactionTimeoutMs = (int)TransactionTimeout.TotalMilliseconds,
            MessageMaxBytes = 16 << 20,
            // librdkafka's default partitioner (CRC32 of the key) would put a row elsewhere than a Java client does; murmur2 matches Kafka's own.
            Partitioner = Partitioner.Murmur2Random,
        })).SetLogHandler((_, _) => { }).Build();

    /// <summary>A consumer that sees committed transactions only, reading partitions it is assigned by hand.</summary>
    public IConsumer<byte[]?, byte[]?> CommittedReader() =>
        new ConsumerBuilder<byte[]?, byte[]?>(Secure(new ConsumerConfig
        {
            GroupId = "omssync-checkpoints",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        })).SetLogHandler((_, _) => { }).Build();

    public IAdminClient Admin() => new AdminClientBuilder(Secure(new AdminClientConfig())).SetLogHandler((_, _) => { }).Build();

    /// <summary>The cluster's brokers and topics, or the connection's error named after the data source.</summary>
    public Task<Metadata> MetadataAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var admin = Admin();
        try
        {
            return admin.GetMetadata(TimeSpan.FromSeconds(10));
        }
        catch (KafkaException e)
        {
            throw Unreachable(e);
        }
    }, cancellationToken);

    public OmsException Unreachable(Exception e) => new("ConnectionFailed", OmsErrorKind.ConnectionFailed, Name,
        $"Kafka data source '{Name}' ({Bootstrap}) did not answer: {e.Message}. Check -Server, the listener's protocol (-SecurityProtocol) and the network.", e);

    /// <summary>A failure worth retrying from the checkpoint: a broker or the network, or a transaction the brokers made abortable.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        OmsException => false,
        KafkaException { Error: var e } when IsFenced(e) => false,
        KafkaRetriableException => true,
        KafkaTxnRequiresAbortException => true,
        KafkaException { Error: var e } => e.IsLocalError || e.Code is ErrorCode.NotCoordinatorForGroup or ErrorCode.GroupCoordinatorNotAvailable
            or ErrorCode.NotLeaderForPartition or ErrorCode.RequestTimedOut or ErrorCode.NetworkException or ErrorCode.Local_Transport or ErrorCode.Local_TimedOut,
        _ => false,
    };

    /// <summary>Whether a newer producer with the same transactional id took over.</summary>
    public static bool IsFenced(Error error) => error.Code is ErrorCode.Local_Fenced or ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch;

    /// <summary>
    /// Lets librdkafka, which the package ships under runtimes/&lt;rid&gt;/native, be found inside a PowerShell module too:
    /// the host's deps.json knows nothing of it, so the runtime would not look there.
    /// </summary>
    public static void EnsureNativeLoaded()
    {
        if (Interlocked.Exchange(ref _loaded, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is registered for the assembly already; it stands.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (NativeLibrary.TryLoad(name, assembly, path, out var handle)) return handle;
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var (rid, file) = OperatingSystem.IsWindows() ? ($"win-{arch}", $"{name}.dll")
            : OperatingSystem.IsMacOS() ? ($"osx-{arch}", $"{name}.dylib") : ($"linux-{arch}", $"{name}.so");
        var candidate = Path.Combine(Path.GetDirectoryName(assembly.Location) ?? AppContext.BaseDirectory, "runtimes", rid, "native", file);
        return File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out handle) ? handle : IntPtr.Zero;
    }
}
