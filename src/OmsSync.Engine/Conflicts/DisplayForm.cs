using System.Globalization;
using System.Text;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// How the conflict log writes a column's value as text, and how such text becomes an SQL literal again:
/// binary and spatial values as 0x-hex, BIT as b'...', everything else as the server prints it.
/// </summary>
public static class DisplayForm
{
    public enum Kind { Text, Hex, Bits }

    public static Kind Of(ColumnSchema column) => column.DataType switch
    {
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" or "geometry" or "point" or "linestring" or "polygon"
            or "multipoint" or "multilinestring" or "multipolygon" or "geometrycollection" => Kind.Hex,
        "bit" => Kind.Bits,
        _ => Kind.Text,
    };

    /// <summary>A decoded image value as the conflict log shows it: binary values in hex, BIT as b'...', the rest as text.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        MySql.Values.MySqlGeometry g => "0x" + Convert.ToHexString(g.Bytes.Span),
        MySql.Values.MySqlBit b => "b'" + Convert.ToString((long)b.Value, 2) + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>An image's moving columns as the conflict log shows a row: a JSON object of column to value.</summary>
    internal static string RowJson(Pipeline.TableApplyPlan plan, IReadOnlyList<object?> image) =>
        System.Text.Json.JsonSerializer.Serialize(plan.Columns.ToDictionary(c => c.Name, c => Text(image[c.Index])));

    /// <summary>An image's key as the conflict log shows it: a JSON object of key column to value.</summary>
    internal static string KeyJson(Pipeline.TableApplyPlan plan, IReadOnlyList<object?> image) =>
        System.Text.Json.JsonSerializer.Serialize(plan.KeyColumns.ToDictionary(k => k.Name, k => Text(image[k.Index])));

    /// <summary>Appends the literal for a value the conflict log shows as <paramref name="text"/>.</summary>
    public static void AppendLiteral(StringBuilder sql, ColumnSchema column, string? text)
    {
        if (text is null)
        {
            sql.Append("NULL");
            return;
        }
        switch (Of(column))
        {
            case Kind.Hex when text.StartsWith("0x", StringComparison.Ordinal) && IsDigits(text.AsSpan(2), "0123456789ABCDEFabcdef"):
                sql.Append("X'").Append(text, 2, text.Length - 2).Append('\'');
                return;
            case Kind.Bits when text.StartsWith("b'", StringComparison.Ordinal) && text.EndsWith('\'') && IsDigits(text.AsSpan(2, text.Length - 3), "01"):
                sql.Append(text.Length == 3 ? "0" : text);
                return;
        }
        sql.Append('\'');
        foreach (var c in text)
            sql.Append(c switch { '\\' => "\\\\", '\'' => "\\'", '\0' => "\\0", '\n' => "\\n", '\r' => "\\r", '\x1a' => "\\Z", _ => c.ToString() });
        sql.Append('\'');
    }

    private static bool IsDigits(ReadOnlySpan<char> text, string allowed)
    {
        foreach (var c in text)
            if (!allowed.Contains(c)) return false;
        return text.Length % (allowed.Length == 2 ? 1 : 2) == 0;
    }
}
