using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>Walks the significant tokens of a statement, or of a slice of it, for <see cref="DdlParser"/>.</summary>
internal sealed class DdlCursor
{
    private int _at;

    public DdlCursor(IReadOnlyList<MySqlToken> tokens) : this(tokens, 0, tokens.Count - 1) { }

    /// <param name="start">First token index of the slice.</param>
    /// <param name="end">Last token index of the slice (inclusive).</param>
    public DdlCursor(IReadOnlyList<MySqlToken> tokens, int start, int end)
    {
        Tokens = tokens;
        Start = start;
        End = end;
        _at = Skip(start);
    }

    public IReadOnlyList<MySqlToken> Tokens { get; }
    public int Start { get; }
    public int End { get; }
    public bool AtEnd => _at > End;

    /// <summary>The current token as an upper-case keyword, or null when it is not a bare word.</summary>
    public string? PeekWord() => At(0) is { Kind: MySqlTokenKind.Word } t ? t.Text.ToUpperInvariant() : null;

    /// <summary>True when the current token is a bare word (a keyword where the grammar expects one).</summary>
    public bool CouldBeKeyword() => At(0) is { Kind: MySqlTokenKind.Word };

    public bool IsWord(string word) => At(0) is { } t && t.IsWord(word);

    public bool IsWordAt(int ahead, string word) => At(ahead) is { } t && t.IsWord(word);

    public bool IsSymbol(string symbol) => At(0) is { } t && t.IsSymbol(symbol);

    /// <summary>Moves past the words when they come next, in order.</summary>
    public bool Accept(params string[] words)
    {
        for (var k = 0; k < words.Length; k++)
            if (!IsWordAt(k, words[k])) return false;
        for (var k = 0; k < words.Length; k++) Next();
        return true;
    }

    public bool AcceptSymbol(string symbol)
    {
        if (!IsSymbol(symbol)) return false;
        Next();
        return true;
    }

    public void Next()
    {
        if (!AtEnd) _at = Skip(_at + 1);
    }

    /// <summary>An identifier (bare or back-quoted), or null without moving.</summary>
    public string? Identifier()
    {
        if (At(0) is not { IsIdentifier: true } t) return null;
        Next();
        return t.IdentifierValue;
    }

    /// <summary>A table name, `db`.`t` or `t`, or null without moving.</summary>
    public DdlTableName? Name(DdlNameRole role)
    {
        if (At(0) is not { IsIdentifier: true } first) return null;
        var firstIndex = _at;
        if (At(1) is { } dot && dot.IsSymbol(".") && At(2) is { IsIdentifier: true } second)
        {
            Next();
            Next();
            var lastIndex = _at;
            Next();
            return new DdlTableName(firstIndex, lastIndex, first.IdentifierValue, second.IdentifierValue, role);
        }
        Next();
        return new DdlTableName(firstIndex, firstIndex, null, first.IdentifierValue, role);
    }

    /// <summary>At "(": the indexes of it and its matching ")", moving past them.</summary>
    public (int Open, int Close) Group()
    {
        var open = _at;
        var depth = 0;
        for (var i = _at; i <= End; i++)
        {
            if (Tokens[i].IsSymbol("(")) depth++;
            else if (Tokens[i].IsSymbol(")") && --depth == 0)
            {
                _at = Skip(i + 1);
                return (open, i);
            }
        }
        _at = End + 1;
        return (open, End);
    }

    /// <summary>
    /// The rest of the slice split at commas outside parentheses: each part's first and last significant
    /// token, and the comma before it (-1 for the first part). Empty parts are left out.
    /// </summary>
    public List<(int First, int Last, int Separator)> SplitRest()
    {
        var parts = new List<(int, int, int)>();
        var depth = 0;
        int first = -1, last = -1, separator = -1;
        for (var i = _at; i <= End; i++)
        {
            var t = Tokens[i];
            if (t.IsTrivia) continue;
            if (t.IsSymbol("(")) depth++;
            else if (t.IsSymbol(")")) depth--;
            else if (depth == 0 && (t.IsSymbol(",") || t.IsSymbol(";")))
            {
                if (first >= 0) parts.Add((first, last, separator));
                first = -1;
                separator = t.IsSymbol(",") ? i : -1;
                continue;
            }
            if (first < 0) first = i;
            last = i;
        }
        if (first >= 0) parts.Add((first, last, separator));
        _at = End + 1;
        return parts;
    }

    /// <summary>The column names of the next parenthesised list, e.g. an index's "(a, b(10) DESC)"; expressions are left out.</summary>
    public IReadOnlyList<string> ParenthesizedNames()
    {
        while (!AtEnd && !IsSymbol("(")) Next();
        if (AtEnd) return [];
        var (open, close) = Group();
        var inner = new DdlCursor(Tokens, open + 1, close - 1);
        return inner.SplitRest().Select(p => new DdlCursor(Tokens, p.First, p.Last).Identifier()).OfType<string>().ToList();
    }

    /// <summary>Every identifier from here to the end of the slice (for CHECK expressions).</summary>
    public IReadOnlyList<string> IdentifiersToEnd()
    {
        var names = new List<string>();
        for (var i = _at; i <= End; i++)
            if (Tokens[i].IsIdentifier) names.Add(Tokens[i].IdentifierValue);
        _at = End + 1;
        return names;
    }

    private MySqlToken? At(int ahead)
    {
        var i = _at;
        for (var k = 0; k < ahead && i <= End; k++) i = Skip(i + 1);
        return i <= End ? Tokens[i] : null;
    }

    private int Skip(int i)
    {
        while (i <= End && i < Tokens.Count && Tokens[i].IsTrivia) i++;
        return i;
    }
}
