using OmsSync.Engine.Model;

namespace OmsSync.Engine.DataSources;

/// <summary>
/// What to change of a registered data source; null leaves a setting as it is. <see cref="DatabaseGiven"/> tells
/// a default database cleared (null or empty) from one left alone, and <see cref="CaCertificateGiven"/> a Kafka CA file
/// cleared from one left alone. A user comes with its password.
/// </summary>
public sealed record DataSourceChange
{
    public DataSourceKind? Kind { get; init; }
    public string? Server { get; init; }
    public int? Port { get; init; }
    public bool DatabaseGiven { get; init; }
    public string? Database { get; init; }
    public string? User { get; init; }
    public string? Password { get; init; }
    public KafkaProtocol? SecurityProtocol { get; init; }
    public KafkaSaslMechanism? SaslMechanism { get; init; }
    public bool CaCertificateGiven { get; init; }
    public string? CaCertificate { get; init; }

    /// <summary>Whether the change names one of Kafka's security settings.</summary>
    public bool ChangesKafka => SecurityProtocol is not null || SaslMechanism is not null || CaCertificateGiven;
}
