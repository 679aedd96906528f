using OmsSync.Engine.Changes;
using System.Globalization;
using System.Text;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// Writes decoded binlog values as SQL literals that store exactly what the source stored. Applying
/// changes as plain statement text (no client-side parameter parsing) keeps the client's CPU for the
/// work that matters. Strings and binary values travel as X'..' byte strings: assigned to a column they
/// are taken byte for byte, with no charset conversion; DECIMAL and temporal values as their exact text.
/// </summary>
internal static class SqlLiterals
{
    public static void Append(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null: sql.Append("NULL"); break;
            case long l: sql.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case ulong u: sql.Append(u.ToString(CultureInfo.InvariantCulture)); break;
            case int i: sql.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sql.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case float f: sql.Append(((double)f).ToString("R", CultureInfo.InvariantCulture)); break; // exact widening
            case byte[] bytes: Hex(sql, bytes); break;
            case MySqlText t: Hex(sql, t.Bytes.Span); break;
            case MySqlGeometry g: Hex(sql, g.Bytes.Span); break;
            case MySqlDecimal d: Quoted(sql, d.Text); break;
            case MySqlDate or MySqlDateTime or MySqlTime or MySqlTimestamp: Quoted(sql, value.ToString()!); break;
            case MySqlBit b: sql.Append(b.Value.ToString(CultureInfo.InvariantCulture)); break;
            case MySqlEnum e: sql.Append(e.Index.ToString(CultureInfo.InvariantCulture)); break;
            case MySqlSet s: sql.Append(s.Bits.ToString(CultureInfo.InvariantCulture)); break;
            case MySqlJson j: Quoted(sql, j.Text); break;
            case string s: Quoted(sql, s); break;
            case ColumnNotLogged:
                throw new InvalidOperationException("A row image lacks a column: the source logs partial row images. Set binlog_row_image=FULL on the source.");
            default: Quoted(sql, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
        }
    }

    /// <summary>
    /// A key value for WHERE: text keys as text in the connection's charset, so the comparison uses the
    /// column's collation and its index (a byte string would force a binary comparison and a full scan).
    /// </summary>
    public static void AppendKey(StringBuilder sql, object? value)
    {
        if (value is MySqlText t) Quoted(sql, t.ToString());
        else Append(sql, value);
    }

    /// <summary>
    /// A value to compare a column with: as <see cref="Append"/>, except that DECIMAL goes unquoted, so the
    /// comparison is exact in decimal arithmetic rather than in floating point.
    /// </summary>
    public static void AppendComparable(StringBuilder sql, object? value)
    {
        if (value is MySqlDecimal d) sql.Append(d.Text);
        else Append(sql, value);
    }

    private static void Hex(StringBuilder sql, ReadOnlySpan<byte> bytes)
    {
        sql.Append("X'");
        Span<char> pair = stackalloc char[2];
        foreach (var b in bytes)
        {
            pair[0] = HexDigit(b >> 4);
            pair[1] = HexDigit(b & 15);
            sql.Append(pair);
        }
        sql.Append('\'');
    }

    private static char HexDigit(int n) => (char)(n < 10 ? '0' + n : 'A' + n - 10);

    private static void Quoted(StringBuilder sql, string text)
    {
        sql.Append('\'');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sql.Append("\\\\"); break;
                case '\'': sql.Append("\\'"); break;
                case '\0': sql.Append("\\0"); break;
                case '\n': sql.Append("\\n"); break;
                case '\r': sql.Append("\\r"); break;
                case '\x1a': sql.Append("\\Z"); break;
                default: sql.Append(c); break;
            }
        }
        sql.Append('\'');
    }
}
