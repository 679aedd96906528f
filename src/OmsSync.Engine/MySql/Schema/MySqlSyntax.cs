using System.Text;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>Quoting of identifiers and literals for MySQL-family SQL text.</summary>
public static class MySqlSyntax
{
    /// <summary>`name`, with embedded back-quotes doubled. Any name (spaces, quotes, unicode, reserved words) survives.</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "`" + name.Replace("`", "``") + "`";
    }

    /// <summary>`database`.`table`.</summary>
    public static string QuoteQualified(string database, string name) => QuoteIdentifier(database) + "." + QuoteIdentifier(name);

    /// <summary>
    /// A table to read every row of: for a system-versioned table its history rows too (FOR SYSTEM_TIME ALL); with
    /// <paramref name="partitions"/>, only the rows of those partitions or subpartitions (PARTITION (...)).
    /// </summary>
    public static string AllRowsOf(string database, string name, bool versioned, IReadOnlyList<string>? partitions = null) =>
        QuoteQualified(database, name) + PartitionClause(partitions) + (versioned ? " FOR SYSTEM_TIME ALL" : "");

    /// <summary>" PARTITION (`p1`, `p2`)" to follow a table's name in a query, or nothing for no partitions.</summary>
    public static string PartitionClause(IReadOnlyList<string>? partitions) =>
        partitions is { Count: > 0 } ? $" PARTITION ({string.Join(", ", partitions.Select(QuoteIdentifier))})" : "";

    /// <summary>
    /// A single-quoted string literal that reads back as <paramref name="value"/> under the default sql_mode
    /// (backslash escapes on): quotes are doubled, backslashes and control characters escaped.
    /// </summary>
    public static string QuoteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\'': sb.Append("''"); break;
                case '\\': sb.Append("\\\\"); break;
                case '\0': sb.Append("\\0"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\u001a': sb.Append("\\Z"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>True when the whole text is one parenthesised group, e.g. "(a + (b))" but not "(a) + (b)".</summary>
    public static bool IsParenthesized(string expression)
    {
        var tokens = MySqlTokenizer.Tokenize(expression.Trim());
        var first = MySqlTokenizer.NextSignificant(tokens, 0);
        if (first < 0 || !tokens[first].IsSymbol("(")) return false;
        var depth = 0;
        for (var i = first; i < tokens.Count; i++)
        {
            if (tokens[i].IsSymbol("(")) depth++;
            else if (tokens[i].IsSymbol(")"))
            {
                depth--;
                if (depth == 0) return MySqlTokenizer.NextSignificant(tokens, i + 1) < 0;
            }
        }
        return false;
    }

    /// <summary>The expression wrapped in parentheses unless it already is one parenthesised group.</summary>
    public static string Parenthesize(string expression) =>
        IsParenthesized(expression) ? expression.Trim() : "(" + expression.Trim() + ")";
}
