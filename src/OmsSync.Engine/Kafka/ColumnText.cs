using System.Globalization;
using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// A MySQL-family value as the full copy reads it (the server's text, or the stored bytes for binary and spatial
/// columns, with the session's time zone UTC) turned into the value the binlog decoder gives for the same column, so
/// that a snapshot row and a change are written by one set of rules.
/// </summary>
internal static class ColumnText
{
    public static object? Parse(ColumnSchema column, ReadOnlySpan<byte> bytes)
    {
        var text = column.DataType is "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" || OmsSync.Engine.MySql.Copy.MySqlColumnTransfer.IsSpatial(column.DataType)
            ? null : Encoding.UTF8.GetString(bytes);
        var invariant = CultureInfo.InvariantCulture;
        return column.DataType switch
        {
            "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" =>
                column.Unsigned ? ulong.Parse(text!, invariant) : long.Parse(text!, invariant),
            // FLOAT is read widened to DOUBLE text; narrowed back, it is the float the binlog carries.
            "float" => (float)double.Parse(text!, invariant),
            "double" or "real" => double.Parse(text!, invariant),
            "decimal" or "numeric" => new MySqlDecimal(text!),
            "year" => int.Parse(text!, invariant),
            "date" => Date(text!),
            "time" => Time(text!, Precision(column)),
            "datetime" => DateTime(text!, Precision(column)),
            "timestamp" => Timestamp(text!, Precision(column)),
            "bit" => new MySqlBit(ulong.Parse(text!, invariant), Precision(column)),
            "enum" => new MySqlEnum(0, text),
            "set" => new MySqlSet(0, text),
            "json" => new MySqlJson(text!),
            _ when OmsSync.Engine.MySql.Copy.MySqlColumnTransfer.IsSpatial(column.DataType) => new MySqlGeometry(bytes.ToArray()),
            _ when text is null => bytes.ToArray(),
            // Text columns were read as their stored bytes, in the column's own character set.
            _ => column.Charset is { } charset ? MySqlCharsets.GetEncoding(charset).GetString(bytes) : text,
        };
    }

    /// <summary>The number in the column type's parentheses: fractional digits of temporal types, the width of BIT.</summary>
    public static int Precision(ColumnSchema column)
    {
        var open = column.ColumnType.IndexOf('(');
        if (open < 0) return column.DataType == "bit" ? 1 : 0;
        var close = column.ColumnType.IndexOf(')', open);
        return int.TryParse(column.ColumnType.AsSpan(open + 1, close - open - 1), out var n) ? n : 0;
    }

    private static MySqlDate Date(string text) =>
        new(int.Parse(text[..4], CultureInfo.InvariantCulture), int.Parse(text[5..7], CultureInfo.InvariantCulture), int.Parse(text[8..10], CultureInfo.InvariantCulture));

    private static int Micros(string text, int dot)
    {
        if (dot < 0) return 0;
        var digits = text[(dot + 1)..].PadRight(6, '0')[..6];
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static MySqlTime Time(string text, int precision)
    {
        var negative = text.StartsWith('-');
        var body = negative ? text[1..] : text;
        var dot = body.IndexOf('.');
        var parts = (dot < 0 ? body : body[..dot]).Split(':');
        return new MySqlTime(negative, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture), Micros(body, dot), precision);
    }

    private static MySqlDateTime DateTime(string text, int precision)
    {
        var date = Date(text);
        return new MySqlDateTime(date.Year, date.Month, date.Day, int.Parse(text[11..13], CultureInfo.InvariantCulture),
            int.Parse(text[14..16], CultureInfo.InvariantCulture), int.Parse(text[17..19], CultureInfo.InvariantCulture), Micros(text, text.IndexOf('.')), precision);
    }

    private static MySqlTimestamp Timestamp(string text, int precision)
    {
        var local = DateTime(text, precision);
        if (local.IsZero) return new MySqlTimestamp(0, 0, precision);
        var seconds = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, TimeSpan.Zero).ToUnixTimeSeconds();
        return new MySqlTimestamp(seconds, local.Microsecond, precision);
    }
}
