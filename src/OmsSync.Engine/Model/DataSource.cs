namespace OmsSync.Engine.Model;

/// <summary>A registered database endpoint. The password is held apart, encrypted, in the state store.</summary>
public sealed record DataSource
{
    public required string Name { get; init; }
    public required DataSourceKind Kind { get; init; }
    public required string Server { get; init; }
    public required int Port { get; init; }
    public required string User { get; init; }
    /// <summary>Default database (MySQL family) or the database to connect to (PostgreSQL).</summary>
    public string? Database { get; init; }
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>How a Kafka data source connects (TLS, SASL); null for the other kinds and for a plain Kafka listener.</summary>
    public KafkaSecurity? Kafka { get; init; }

    /// <summary>host:port; for Kafka, the bootstrap servers as given (hosts without a port take <see cref="Port"/>).</summary>
    public string Endpoint => Kind == DataSourceKind.Kafka ? Server : $"{Server}:{Port}";
}
