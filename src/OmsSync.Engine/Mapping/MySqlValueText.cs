using System.Globalization;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// Turns a PostgreSQL value, in the text form its type's output function writes (as both SELECT col::text and the
/// pgoutput stream give it), into the text a MySQL-family column of the mapped type (<see cref="PostgresToMySql"/>)
/// reads back as the same value. Values the MySQL type cannot hold (NaN, infinity, BC dates, text too long for a
/// column cut to be indexable, numbers beyond DECIMAL(65,30), arrays with lower bounds other than 1) are refused with an
/// error naming table, column and value, never stored changed: MySQL sessions are not strict, so the server would
/// otherwise truncate silently. Arrays and hstore become JSON (<see cref="PostgresArrayJson"/>, <see cref="HstoreJson"/>);
/// types carried as text keep their text.
/// bytea is not text and never comes here.
/// </summary>
internal static class MySqlValueText
{
    public static Func<string, string> For(string table, ColumnSchema pg, ColumnSchema mysql)
    {
        string Refuse(string value, string why) => throw NotRepresentable.InMySql(table, pg.Name, value, mysql.ColumnType, why);

        string Json(string value, Func<string> convert)
        {
            try
            {
                return convert();
            }
            catch (FormatException e)
            {
                return Refuse(value, e.Message);
            }
        }

        var (length, scale) = MySqlToPostgres.Modifiers(mysql.ColumnType);
        switch (pg.DataType)
        {
            case "boolean":
                return v => v is "t" or "true" ? "1" : "0";
            case "bit" or "bit varying" when mysql.DataType == "bit":
                return v => v.Length == 0 ? "0" : Convert.ToUInt64(v, 2).ToString(CultureInfo.InvariantCulture);
            case "array":
                var element = PostgresArrayJson.ElementType(pg);
                return v => Json(v, () => PostgresArrayJson.ToJson(v, element));
            case "hstore":
                return v => Json(v, () => HstoreJson.ToJson(v));
            case "numeric":
                return v => v is "NaN" or "Infinity" or "-Infinity" ? Refuse(v, "MySQL's DECIMAL has no NaN or infinity.")
                    : FitsDecimal(v, length ?? 65, scale ?? 0) ? v : Refuse(v, $"DECIMAL({length},{scale}) holds {length - scale} digits before the point and {scale} after.");
            case "real" or "double precision":
                return v => v is "NaN" or "Infinity" or "-Infinity" ? Refuse(v, "MySQL's floating-point types have no NaN or infinity.") : v;
            case "date" or "timestamp without time zone" or "timestamp with time zone":
                var zero = pg.DataType == "date" ? "0000-00-00" : "0000-00-00 00:00:00";
                var utc = pg.DataType == "timestamp with time zone";
                return v => v switch
                {
                    "-infinity" => zero, // MySQL's zero date, which OmsSync writes to PostgreSQL as -infinity
                    "infinity" => Refuse(v, "MySQL has no infinite date."),
                    _ when v.EndsWith(" BC", StringComparison.Ordinal) => Refuse(v, "MySQL has no dates before the year 1."),
                    _ when utc => ToUtc(v, Refuse),
                    _ => v,
                };
            default:
                if (mysql.DataType is "varchar" or "char" && length is { } limit)
                    return v => CodePoints(v) <= limit ? v : Refuse(v, $"it is longer than {limit} characters (the text of a MySQL index key is limited to {PostgresToMySql.MaxKeyBytes} bytes).");
                return v => v;
        }
    }

    /// <summary>True when the numeric text has at most precision - scale digits before the point and scale after.</summary>
    public static bool FitsDecimal(string text, int precision, int scale)
    {
        var digits = text.TrimStart('-', '+');
        var point = digits.IndexOf('.');
        var whole = (point < 0 ? digits : digits[..point]).TrimStart('0');
        var fraction = point < 0 ? "" : digits[(point + 1)..].TrimEnd('0');
        return whole.Length <= precision - scale && fraction.Length <= scale;
    }

    /// <summary>"2024-01-02 03:04:05.5+05:30" as UTC wall time "2024-01-01 21:34:05.500000".</summary>
    private static string ToUtc(string value, Func<string, string, string> refuse)
    {
        var sign = value.LastIndexOfAny(['+', '-']);
        if (sign < 10) return refuse(value, "it is not a timestamp with a time zone offset.");
        var parts = value[(sign + 1)..].Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var offset = new TimeSpan(parts[0], parts.Length > 1 ? parts[1] : 0, parts.Length > 2 ? parts[2] : 0) * (value[sign] == '-' ? -1 : 1);
        if (!DateTime.TryParseExact(value[..sign], ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return refuse(value, "MySQL's DATETIME holds the years 1 to 9999.");
        return (local - offset).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
    }

    private static int CodePoints(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
            if (!char.IsLowSurrogate(text[i])) count++;
        return count;
    }
}
