namespace OmsSync.Engine.MySql.Binlog;

/// <summary>Whether the replication connection is encrypted.</summary>
public enum BinlogTlsMode
{
    /// <summary>Plain TCP.</summary>
    Disabled,
    /// <summary>TLS when the server offers it, plain TCP otherwise.</summary>
    Preferred,
    /// <summary>TLS or fail.</summary>
    Required,
}
