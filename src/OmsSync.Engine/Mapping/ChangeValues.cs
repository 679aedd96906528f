using System.Globalization;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// Turns a value of the pgoutput stream (its type's text output) into the value the MySQL change applier writes
/// exactly: bytes for bytea, <see cref="MySqlBit"/> for BIT, and otherwise the MySQL text of <see cref="MySqlValueText"/>
/// as a string, which the target reads as its column's type (text converted from the connection's utf8mb4 to the
/// column's own charset, so a latin1 column of a bidirectional task's source gets its characters, not UTF-8 bytes).
/// </summary>
internal static class ChangeValues
{
    public static Func<string, object> For(string table, ColumnSchema pg, ColumnSchema mysql)
    {
        if (pg.DataType == "bytea")
            return text => Convert.FromHexString(text.AsSpan(2)); // bytea_output is hex: \x0102...
        var convert = MySqlValueText.For(table, pg, mysql);
        if (mysql.DataType != "bit") return convert;
        var width = MySqlToPostgres.Modifiers(mysql.ColumnType).Length ?? 64; // read once, not per value
        return text => new MySqlBit(ulong.Parse(convert(text), CultureInfo.InvariantCulture), width);
    }
}
