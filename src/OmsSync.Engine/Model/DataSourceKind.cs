namespace OmsSync.Engine.Model;

/// <summary>The database products OmsSync connects to.</summary>
public enum DataSourceKind
{
    MySql,
    MariaDb,
    OceanBaseMySql,
    TiDb,
    PostgreSql,
}

public static class DataSourceKindExtensions
{
    /// <summary>True for the products that speak the MySQL protocol and write a MySQL-style binlog.</summary>
    public static bool IsMySqlFamily(this DataSourceKind kind) => kind != DataSourceKind.PostgreSql;

    public static int DefaultPort(this DataSourceKind kind) => kind switch
    {
        DataSourceKind.OceanBaseMySql => 2881,
        DataSourceKind.TiDb => 4000,
        DataSourceKind.PostgreSql => 5432,
        _ => 3306,
    };
}
