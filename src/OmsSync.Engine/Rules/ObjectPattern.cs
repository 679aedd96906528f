using System.Text;
using System.Text.RegularExpressions;

namespace OmsSync.Engine.Rules;

/// <summary>
/// One include/exclude rule: <c>db</c>, <c>db.*</c>, <c>db.table</c>, with <c>*</c> (any run of characters)
/// and <c>?</c> (one character) in either part. A part in back-quotes is literal: <c>`my.db`.`a*b`</c>
/// names the database "my.db" and the table "a*b" exactly.
/// </summary>
public sealed class ObjectPattern
{
    private readonly Regex _exactDatabase, _exactTable, _anyCaseDatabase, _anyCaseTable;

    private ObjectPattern(string rule, string database, string table, bool databaseLiteral, bool tableLiteral)
    {
        Rule = rule;
        _exactDatabase = ToRegex(database, databaseLiteral, RegexOptions.None);
        _exactTable = ToRegex(table, tableLiteral, RegexOptions.None);
        _anyCaseDatabase = ToRegex(database, databaseLiteral, RegexOptions.IgnoreCase);
        _anyCaseTable = ToRegex(table, tableLiteral, RegexOptions.IgnoreCase);
    }

    /// <summary>The rule as written.</summary>
    public string Rule { get; }

    public bool Matches(ObjectName name, bool ignoreCase) => ignoreCase
        ? _anyCaseDatabase.IsMatch(name.Database) && _anyCaseTable.IsMatch(name.Name)
        : _exactDatabase.IsMatch(name.Database) && _exactTable.IsMatch(name.Name);

    /// <summary>Parses a rule; on failure returns null and says why.</summary>
    public static ObjectPattern? TryParse(string rule, out string? error)
    {
        if (!TrySplit(rule, out var parts, out error)) return null;
        if (parts.Count > 2)
        {
            error = $"Rule '{rule}' is not valid: it has {parts.Count} dot-separated parts; use db, db.* or db.table, and back-quote names that contain dots.";
            return null;
        }
        var (database, databaseLiteral) = parts[0];
        var (table, tableLiteral) = parts.Count == 2 ? parts[1] : ("*", false);
        return new ObjectPattern(rule, database, table, databaseLiteral, tableLiteral);
    }

    /// <summary>True for a rule of two parts, database and table (either part back-quoted, e.g. "`my.db`.*"); a task's -Include and -Exclude take these.</summary>
    public static bool IsTableRule(string rule) => TrySplit(rule, out var parts, out _) && parts.Count == 2;

    /// <summary>
    /// Splits "a.b", "`a.b`.c" into parts (text, quoted). Fails on empty parts, unterminated back-quotes and
    /// text glued to a quoted part.
    /// </summary>
    internal static bool TrySplit(string rule, out List<(string Text, bool Quoted)> parts, out string? error)
    {
        parts = [];
        error = null;
        if (string.IsNullOrWhiteSpace(rule))
        {
            error = "An empty rule is not valid.";
            return false;
        }
        var text = rule.Trim();
        var i = 0;
        while (true)
        {
            string part;
            var quoted = false;
            if (i < text.Length && text[i] == '`')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        error = $"Rule '{rule}' is not valid: a back-quote is not closed.";
                        return false;
                    }
                    if (text[i] == '`')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '`') { sb.Append('`'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                part = sb.ToString();
                quoted = true;
                if (i < text.Length && text[i] != '.')
                {
                    error = $"Rule '{rule}' is not valid: text follows a back-quoted name without a dot.";
                    return false;
                }
            }
            else
            {
                var end = text.IndexOf('.', i);
                if (end < 0) end = text.Length;
                part = text[i..end].Trim();
                i = end;
                if (part.Contains('`'))
                {
                    error = $"Rule '{rule}' is not valid: a back-quote may only enclose a whole name.";
                    return false;
                }
            }
            if (part.Length == 0)
            {
                error = $"Rule '{rule}' is not valid: it has an empty name part.";
                return false;
            }
            parts.Add((part, quoted));
            if (i >= text.Length) return true;
            i++; // the dot
            if (i >= text.Length)
            {
                error = $"Rule '{rule}' is not valid: it ends with a dot.";
                return false;
            }
        }
    }

    private static Regex ToRegex(string pattern, bool literal, RegexOptions options)
    {
        var sb = new StringBuilder("^");
        foreach (var c in pattern)
        {
            sb.Append(!literal && c == '*' ? ".*" : !literal && c == '?' ? "." : Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), options | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
