using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>Which MySQL-family column types OmsSync migrates, and to which targets.</summary>
public static class TypeSupport
{
    /// <summary>Types every MySQL-family server has (DATA_TYPE as information_schema gives it).</summary>
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "bit", "bool", "boolean",
        "char", "varchar", "binary", "varbinary", "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob",
        "enum", "set", "date", "time", "datetime", "timestamp", "year", "json",
        "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection", "geomcollection",
    };

    /// <summary>MariaDB's own data types: migrated only to MariaDB.</summary>
    private static readonly HashSet<string> MariaDbOnly = new(StringComparer.OrdinalIgnoreCase) { "inet4", "inet6", "uuid" };

    /// <summary>True when columns of this DATA_TYPE can be migrated to a target of the given kind.</summary>
    public static bool IsSupported(string dataType, DataSourceKind target = DataSourceKind.MariaDb) =>
        Common.Contains(dataType) || target == DataSourceKind.MariaDb && MariaDbOnly.Contains(dataType);

    /// <summary>One message per column whose type cannot be migrated to <paramref name="target"/>, naming table, column and type.</summary>
    public static IReadOnlyList<string> Check(TableSchema table, DataSourceKind target)
    {
        var problems = new List<string>();
        foreach (var column in table.Columns)
        {
            if (IsSupported(column.DataType, target)) continue;
            var where = $"Table {MySqlSyntax.QuoteQualified(table.Database, table.Name)}, column {MySqlSyntax.QuoteIdentifier(column.Name)}";
            problems.Add(MariaDbOnly.Contains(column.DataType)
                ? $"{where}: type {column.ColumnType} exists only in MariaDB and cannot be migrated to {target}. Exclude the column or the table, or migrate to MariaDB."
                : $"{where}: type {column.ColumnType} is not supported for migration. Exclude the column or the table.");
        }
        return problems;
    }

    /// <summary>Throws a <see cref="SchemaException"/> listing every unsupported column.</summary>
    public static void EnsureSupported(TableSchema table, DataSourceKind target)
    {
        var problems = Check(table, target);
        if (problems.Count > 0) throw new SchemaException(problems);
    }
}
