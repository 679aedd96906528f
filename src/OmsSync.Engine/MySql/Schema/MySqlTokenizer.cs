namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Splits MySQL SQL text into tokens without losing a character: concatenating the tokens' text gives
/// the input back. It knows quoting (back-quoted identifiers, '' and "" strings with backslash escapes
/// and doubled quotes) and comments, which is what structural rewriting of names needs; it does not parse.
/// </summary>
public static class MySqlTokenizer
{
    public static IReadOnlyList<MySqlToken> Tokenize(string sql, bool backslashEscapes = true)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = new List<MySqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var start = i;
            var c = sql[i];
            MySqlTokenKind kind;
            if (char.IsWhiteSpace(c))
            {
                while (i < sql.Length && char.IsWhiteSpace(sql[i])) i++;
                kind = MySqlTokenKind.Whitespace;
            }
            else if (c == '#' || (c == '-' && At(sql, i + 1) == '-' && (i + 2 >= sql.Length || char.IsWhiteSpace(sql[i + 2]))))
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                kind = MySqlTokenKind.Comment;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                kind = MySqlTokenKind.Comment;
            }
            else if (c == '`')
            {
                i = SkipQuoted(sql, i, '`', backslashEscapes: false);
                kind = MySqlTokenKind.QuotedIdentifier;
            }
            else if (c is '\'' or '"')
            {
                i = SkipQuoted(sql, i, c, backslashEscapes);
                kind = MySqlTokenKind.String;
            }
            else if (c == '@')
            {
                i++;
                if (At(sql, i) == '@') i++;
                if (At(sql, i) is '`' or '\'' or '"') i = SkipQuoted(sql, i, sql[i], backslashEscapes);
                else while (i < sql.Length && (IsWordChar(sql[i]) || sql[i] == '.')) i++;
                kind = MySqlTokenKind.Variable;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(sql, i + 1)) && !(tokens.Count > 0 && tokens[^1].IsIdentifier)))
            {
                i = SkipNumberOrWord(sql, i, out kind);
            }
            else if (IsWordChar(c))
            {
                while (i < sql.Length && IsWordChar(sql[i])) i++;
                kind = MySqlTokenKind.Word;
            }
            else
            {
                i += SymbolLength(sql, i);
                kind = MySqlTokenKind.Symbol;
            }
            tokens.Add(new MySqlToken(kind, sql[start..i], start));
        }
        return tokens;
    }

    /// <summary>The index of the first significant (non-whitespace, non-comment) token at or after <paramref name="index"/>, or -1.</summary>
    public static int NextSignificant(IReadOnlyList<MySqlToken> tokens, int index)
    {
        for (var i = index; i < tokens.Count; i++)
            if (!tokens[i].IsTrivia) return i;
        return -1;
    }

    /// <summary>The index of the last significant token before <paramref name="index"/>, or -1.</summary>
    public static int PreviousSignificant(IReadOnlyList<MySqlToken> tokens, int index)
    {
        for (var i = index - 1; i >= 0; i--)
            if (!tokens[i].IsTrivia) return i;
        return -1;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    /// <summary>Letters (any script), digits, _ and $ make up bare identifiers and keywords.</summary>
    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || c > '\u007f' && !char.IsWhiteSpace(c);

    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\') { i += 2; continue; }
            if (c == quote)
            {
                if (At(sql, i + 1) == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return sql.Length; // unterminated: the rest of the text belongs to the literal
    }

    /// <summary>A number, unless letters follow the digits (MySQL allows identifiers such as 1abc).</summary>
    private static int SkipNumberOrWord(string sql, int i, out MySqlTokenKind kind)
    {
        var start = i;
        if (sql[i] == '0' && At(sql, i + 1) is 'x' or 'b' && IsWordChar(At(sql, i + 2)))
        {
            i += 2;
            while (i < sql.Length && IsWordChar(sql[i])) i++;
            kind = MySqlTokenKind.Number;
            return i;
        }
        while (i < sql.Length && char.IsAsciiDigit(sql[i])) i++;
        if (i < sql.Length && IsWordChar(sql[i]) && sql[i] is not ('e' or 'E'))
        {
            while (i < sql.Length && IsWordChar(sql[i])) i++;
            kind = MySqlTokenKind.Word;
            return i;
        }
        if (At(sql, i) == '.' && sql[start] != '.') i++;
        else if (sql[start] == '.') i = start + 1;
        while (i < sql.Length && char.IsAsciiDigit(sql[i])) i++;
        if (At(sql, i) is 'e' or 'E' && (char.IsAsciiDigit(At(sql, i + 1)) || At(sql, i + 1) is '+' or '-' && char.IsAsciiDigit(At(sql, i + 2))))
        {
            i += 2;
            while (i < sql.Length && char.IsAsciiDigit(sql[i])) i++;
        }
        kind = MySqlTokenKind.Number;
        return i;
    }

    private static readonly string[] MultiCharSymbols = ["<=>", "<=", ">=", "<>", "!=", "<<", ">>", "&&", "||", ":=", "->>", "->"];

    private static int SymbolLength(string sql, int i)
    {
        foreach (var s in MultiCharSymbols)
            if (string.CompareOrdinal(sql, i, s, 0, s.Length) == 0) return s.Length;
        return 1;
    }
}
