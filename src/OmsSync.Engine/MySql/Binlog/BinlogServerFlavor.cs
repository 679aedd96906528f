namespace OmsSync.Engine.MySql.Binlog;

/// <summary>Which GTID dialect a binlog speaks.</summary>
public enum BinlogServerFlavor
{
    /// <summary>MySQL (and Percona): GTIDs are uuid:number, positions GTID sets.</summary>
    MySql,
    /// <summary>MariaDB: GTIDs are domain-server-sequence, positions one GTID per domain.</summary>
    MariaDb,
}
