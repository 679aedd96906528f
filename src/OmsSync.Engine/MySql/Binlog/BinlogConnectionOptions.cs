using System.Net.Security;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>How to reach a MySQL or MariaDB server as a replica.</summary>
public sealed class BinlogConnectionOptions
{
    /// <summary>
    /// A task's own replica connection to a source: its server id is stable per <paramref name="replicaName"/> (the
    /// server drops an older connection that registers with the id of a newer one) and away from the small ids real
    /// servers use.
    /// </summary>
    public static BinlogConnectionOptions ForTask(Model.DataSource source, string password, string replicaName)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(replicaName));
        return new BinlogConnectionOptions
        {
            DataSourceName = source.Name, Host = source.Server, Port = source.Port, User = source.User, Password = password,
            ServerId = 100_000_000u + BitConverter.ToUInt32(hash, 0) % 3_000_000_000u,
            HeartbeatInterval = TimeSpan.FromSeconds(2),
        };
    }

    public required string Host { get; init; }
    public int Port { get; init; } = 3306;
    public required string User { get; init; }
    public string Password { get; init; } = "";

    /// <summary>The replica server id announced to the source; must differ from every other replica's and from the source's.</summary>
    public uint ServerId { get; init; } = 65_001;

    /// <summary>How often the server sends a heartbeat when it has nothing else to send; zero turns heartbeats off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public BinlogTlsMode TlsMode { get; init; } = BinlogTlsMode.Preferred;

    /// <summary>Validates the server certificate; null accepts only certificates that pass the platform's checks.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>For caching_sha2_password over plain TCP: ask the server for its RSA public key.</summary>
    public bool AllowPublicKeyRetrieval { get; init; }

    /// <summary>For caching_sha2_password over plain TCP: the server's RSA public key (PEM), known in advance.</summary>
    public string? ServerPublicKeyPem { get; init; }

    public string Endpoint => $"{Host}:{Port}";

    /// <summary>The data source these options reach, named in errors; null outside a task.</summary>
    public string? DataSourceName { get; init; }

    /// <summary>The server as errors name it: its data source and address.</summary>
    public string Describe => DataSourceName is null ? $"server {Endpoint}" : $"data source '{DataSourceName}' ({Endpoint})";
}
