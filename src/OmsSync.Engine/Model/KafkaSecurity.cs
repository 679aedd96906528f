namespace OmsSync.Engine.Model;

/// <summary>How OmsSync reaches a Kafka cluster: the listener's protocol, the SASL mechanism, and the CA that signs the brokers' certificates.</summary>
public sealed record KafkaSecurity
{
    public KafkaProtocol Protocol { get; init; } = KafkaProtocol.Plaintext;
    /// <summary>With a SASL protocol: how the credential's user and password are presented.</summary>
    public KafkaSaslMechanism SaslMechanism { get; init; } = KafkaSaslMechanism.Plain;
    /// <summary>With TLS: a PEM file of the CA certificates to trust instead of the system's.</summary>
    public string? CaCertificate { get; init; }

    public bool UsesSasl => Protocol is KafkaProtocol.SaslPlaintext or KafkaProtocol.SaslSsl;
}

/// <summary>Kafka's security.protocol.</summary>
public enum KafkaProtocol
{
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

public enum KafkaSaslMechanism
{
    Plain,
    ScramSha256,
    ScramSha512,
}
