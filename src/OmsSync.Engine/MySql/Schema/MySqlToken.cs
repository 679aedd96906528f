namespace OmsSync.Engine.MySql.Schema;

public enum MySqlTokenKind
{
    Whitespace,
    /// <summary>-- or # to end of line, or /* ... */ (including MySQL's executable /*! ... */ comments).</summary>
    Comment,
    /// <summary>A bare word: keyword, unquoted identifier or function name.</summary>
    Word,
    /// <summary>A back-quoted identifier.</summary>
    QuotedIdentifier,
    /// <summary>A single- or double-quoted string literal.</summary>
    String,
    Number,
    /// <summary>@name or @@name.</summary>
    Variable,
    /// <summary>Any other character or operator: . , ( ) ; = ...</summary>
    Symbol,
}

/// <summary>One token of MySQL SQL text; <see cref="Text"/> is the exact source slice.</summary>
public readonly record struct MySqlToken(MySqlTokenKind Kind, string Text, int Offset)
{
    public bool IsTrivia => Kind is MySqlTokenKind.Whitespace or MySqlTokenKind.Comment;

    public bool IsIdentifier => Kind is MySqlTokenKind.Word or MySqlTokenKind.QuotedIdentifier;

    public bool IsSymbol(string symbol) => Kind == MySqlTokenKind.Symbol && Text == symbol;

    public bool IsWord(string word) =>
        Kind == MySqlTokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    /// <summary>The identifier's name: back-quotes removed and doubled back-quotes undone; a bare word as is.</summary>
    public string IdentifierValue => Kind == MySqlTokenKind.QuotedIdentifier
        ? Text[1..^1].Replace("``", "`")
        : Text;
}
