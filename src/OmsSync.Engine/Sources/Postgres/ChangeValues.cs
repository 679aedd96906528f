using System.Globalization;
using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql.Values;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// Turns a value of the pgoutput stream (its type's text output) into the value the MySQL change applier writes
/// exactly: bytes for bytea, <see cref="MySqlBit"/> for BIT, <see cref="MySqlText"/> (UTF-8 bytes) for text
/// columns, and otherwise the MySQL text of <see cref="MySqlValueText"/>, which the target reads as its type.
/// </summary>
internal static class ChangeValues
{
    public static Func<string, object> For(string table, ColumnSchema pg, ColumnSchema mysql)
    {
        if (pg.DataType == "bytea")
            return text => Convert.FromHexString(text.AsSpan(2)); // bytea_output is hex: \x0102...
        var convert = MySqlValueText.For(table, pg, mysql);
        return mysql.DataType switch
        {
            "bit" => text => new MySqlBit(ulong.Parse(convert(text), CultureInfo.InvariantCulture), Schema.Postgres.MySqlToPostgres.Modifiers(mysql.ColumnType).Length ?? 64),
            "char" or "varchar" or "longtext" => text => new MySqlText(Encoding.UTF8.GetBytes(convert(text)), "utf8mb4"),
            _ => text => convert(text),
        };
    }
}
