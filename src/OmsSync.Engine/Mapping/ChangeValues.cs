using System.Globalization;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// Turns a value of the pgoutput stream (its type's text output) into the value the MySQL change applier writes
/// exactly: bytes for bytea, <see cref="MySqlBit"/> for BIT, <see cref="MySqlGeometry"/> for a geometry (from PostGIS's
/// hex EWKB, or EWKB in a bytea that holds a MySQL geometry), a SET's text for a text[] (<see cref="SetArrays"/>), an
/// address for INET4 and INET6 (<see cref="InetAddresses"/>), and otherwise the MySQL text of <see cref="MySqlValueText"/>
/// as a string, which the target reads as its column's type (text converted from the connection's utf8mb4 to the
/// column's own charset, so a latin1 column of a bidirectional task's source gets its characters, not UTF-8 bytes).
/// </summary>
internal static class ChangeValues
{
    public static Func<string, object> For(string table, ColumnSchema pg, ColumnSchema mysql)
    {
        if (SpatialTypes.IsSpatial(mysql) && pg.DataType is "geometry" or "bytea")
            return text => Geometry(table, pg, mysql, text);
        if (pg.DataType == "bytea")
            return text => Convert.FromHexString(text.AsSpan(2)); // bytea_output is hex: \x0102...
        if (pg.DataType == "array" && mysql.DataType == "set")
            return SetArrays.ToSet(table, pg, mysql);
        if (pg.DataType == "inet" && InetAddresses.IsInet(mysql))
            return InetAddresses.ToMySql(table, pg, mysql);
        var convert = MySqlValueText.For(table, pg, mysql);
        if (mysql.DataType != "bit") return convert;
        var width = MySqlToPostgres.Modifiers(mysql.ColumnType).Length ?? 64; // read once, not per value
        return text => new MySqlBit(ulong.Parse(convert(text), CultureInfo.InvariantCulture), width);
    }

    // geometry's text output is hex EWKB; bytea's is \x and the hex of the EWKB OmsSync wrote there.
    private static MySqlGeometry Geometry(string table, ColumnSchema pg, ColumnSchema mysql, string text)
    {
        try
        {
            return new MySqlGeometry(GeometryBytes.FromEwkb(Convert.FromHexString(text.StartsWith(@"\x", StringComparison.Ordinal) ? text.AsSpan(2) : text)));
        }
        catch (FormatException e)
        {
            throw NotRepresentable.InMySql(table, pg.Name, text, mysql.ColumnType, e.Message);
        }
    }
}
