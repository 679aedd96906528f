using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>
/// How one column travels from a MySQL-family source to a MySQL-family target without changing a bit.
/// Every value is read as raw bytes (CAST ... AS BINARY), so strings keep their column's own charset and
/// numbers and temporal values keep the server's exact text; LOAD DATA ... CHARACTER SET binary then
/// stores the bytes as they are. A few types need a detour: FLOAT is widened to DOUBLE text (the
/// FLOAT text form has only six digits), BIT travels as its integer value.
/// </summary>
internal static class MySqlColumnTransfer
{
    public static ColumnTransfer For(ColumnSchema column)
    {
        var q = MySqlSyntax.QuoteIdentifier(column.Name);
        return column.DataType switch
        {
            "bit" => new(column, $"CAST(({q} + 0) AS BINARY)", true, "CAST({0} AS UNSIGNED)"),
            "float" => new(column, $"CAST(({q} + 0e0) AS BINARY)", false, null),
            // Spatial values travel in the server's internal form (SRID + WKB); assigned through a variable so
            // LOAD DATA does not try to parse them as text.
            _ when IsSpatial(column.DataType) => new(column, $"CAST({q} AS BINARY)", true, "{0}"),
            _ => new(column, $"CAST({q} AS BINARY)", false, null),
        };
    }

    public static bool IsSpatial(string dataType) => dataType is "geometry" or "point" or "linestring" or "polygon"
        or "multipoint" or "multilinestring" or "multipolygon" or "geometrycollection" or "geomcollection";
}
