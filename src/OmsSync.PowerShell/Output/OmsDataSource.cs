using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Output;

/// <summary>A registered data source as the cmdlets show it. The password never leaves the state store.</summary>
public sealed class OmsDataSource
{
    internal OmsDataSource(DataSource source)
    {
        Name = source.Name;
        Type = source.Kind;
        Server = source.Server;
        Port = source.Port;
        User = source.User;
        Database = source.Database;
        Created = source.Created;
        SecurityProtocol = source.Kafka?.Protocol;
        SaslMechanism = source.Kafka?.UsesSasl == true ? source.Kafka.SaslMechanism : null;
        CaCertificate = source.Kafka?.CaCertificate;
        Endpoint = source.Endpoint;
    }

    public string Name { get; }
    public DataSourceKind Type { get; }
    public string Server { get; }
    public int Port { get; }
    public string User { get; }
    public string? Database { get; }
    public DateTimeOffset Created { get; }
    /// <summary>host:port; for Kafka, the bootstrap servers.</summary>
    public string Endpoint { get; }
    /// <summary>How a Kafka data source is reached; null for the other types.</summary>
    public KafkaProtocol? SecurityProtocol { get; }
    /// <summary>How a Kafka data source with SASL presents its user; null without SASL.</summary>
    public KafkaSaslMechanism? SaslMechanism { get; }
    /// <summary>The PEM file of CA certificates a Kafka data source with TLS trusts; null for the system's.</summary>
    public string? CaCertificate { get; }

    public override string ToString() => Name;
}
