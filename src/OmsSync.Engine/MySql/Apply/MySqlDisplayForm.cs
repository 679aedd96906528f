using System.Text;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// The conflict log's form of a column's value (<see cref="Conflicts.DisplayForm"/>) on a MySQL-family target: which
/// form a column shows in, and how logged text becomes an SQL literal again.
/// </summary>
internal static class MySqlDisplayForm
{
    public enum Kind { Text, Hex, Bits }

    public static Kind Of(ColumnSchema column) => column.DataType switch
    {
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" or "geometry" or "point" or "linestring" or "polygon"
            or "multipoint" or "multilinestring" or "multipolygon" or "geometrycollection" => Kind.Hex,
        "bit" => Kind.Bits,
        _ => Kind.Text,
    };

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
