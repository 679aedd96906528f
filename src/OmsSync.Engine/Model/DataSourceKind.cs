namespace OmsSync.Engine.Model;

/// <summary>The database products OmsSync connects to.</summary>
public enum DataSourceKind
{
    MySql,
    MariaDb,
    OceanBaseMySql,
    TiDb,
    PostgreSql,
    /// <summary>An Apache Kafka cluster: a target only, which task changes are produced to as messages.</summary>
    Kafka,
}

public static class DataSourceKindExtensions
{
    /// <summary>True for the products that speak the MySQL protocol and write a MySQL-style binlog.</summary>
    public static bool IsMySqlFamily(this DataSourceKind kind) => kind is not (DataSourceKind.PostgreSql or DataSourceKind.Kafka);

    public static int DefaultPort(this DataSourceKind kind) => kind switch
    {
        DataSourceKind.OceanBaseMySql => 2881,
        DataSourceKind.TiDb => 4000,
        DataSourceKind.PostgreSql => 5432,
        DataSourceKind.Kafka => 9092,
        _ => 3306,
    };
}
