using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Postgres.Copy;

/// <summary>
/// How a MySQL-family column is read for PostgreSQL's binary COPY: the source server writes each value as text that
/// <see cref="PostgresBinaryField"/> turns into the mapped type's binary form (<see cref="MySqlToPostgres"/>). Text
/// of every charset arrives as UTF-8 (a SET as its comma list); binary strings, geometries (SRID + WKB) and INET4 and
/// INET6 addresses as the bytes stored; BIT as a string of bits as wide as the column; zero dates as -infinity; FLOAT
/// widened to DOUBLE's exact text. Sessions are at UTC, so TIMESTAMP text is UTC.
/// </summary>
internal static class PostgresColumnTransfer
{
    public static ColumnTransfer For(ColumnSchema column)
    {
        var q = MySqlSyntax.QuoteIdentifier(column.Name);
        var expression = column.DataType switch
        {
            "bit" => $"CAST(LPAD(BIN({q} + 0), {MySqlToPostgres.Modifiers(column.ColumnType).Length ?? 1}, '0') AS BINARY)",
            "float" => $"CAST(({q} + 0e0) AS BINARY)",
            "date" or "datetime" or "timestamp" => $"CAST(IF(CAST({q} AS BINARY) LIKE '0000-00-00%', '-infinity', {q}) AS BINARY)",
            _ when MySqlToPostgres.IsBinary(column) => $"CAST({q} AS BINARY)",
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set" or "uuid" =>
                $"CAST(CONVERT({q} USING utf8mb4) AS BINARY)",
            _ => $"CAST({q} AS BINARY)",
        };
        return new ColumnTransfer(column, expression, false, null);
    }
}
