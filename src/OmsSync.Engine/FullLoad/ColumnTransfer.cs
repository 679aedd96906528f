using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>
/// How one column travels from a MySQL-family source to a MySQL-family target without changing a bit.
/// Every value is read as raw bytes (CAST ... AS BINARY), so strings keep their column's own charset and
/// numbers and temporal values keep the server's exact text; LOAD DATA ... CHARACTER SET binary then
/// stores the bytes as they are. A few types need a detour: FLOAT is widened to DOUBLE text (the
/// FLOAT text form has only six digits), BIT travels as its integer value.
/// </summary>
internal sealed class ColumnTransfer
{
    internal ColumnTransfer(ColumnSchema column, string selectExpression, bool viaVariable, string? assignExpression)
    {
        Column = column;
        SelectExpression = selectExpression;
        ViaVariable = viaVariable;
        AssignExpression = assignExpression;
    }

    public ColumnSchema Column { get; }
    /// <summary>The expression to SELECT on the source; it yields a binary string.</summary>
    public string SelectExpression { get; }
    /// <summary>True when LOAD DATA reads the field into a user variable and a SET clause assigns it.</summary>
    public bool ViaVariable { get; }
    /// <summary>With <see cref="ViaVariable"/>: the expression over the variable {0} to assign.</summary>
    public string? AssignExpression { get; }

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
