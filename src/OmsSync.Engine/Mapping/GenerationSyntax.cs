using System.Text;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// The small expression language generated columns are translated in (<see cref="GenerationTranslator"/>): column
/// references, numeric and string literals, unary minus, binary operators, function calls and casts, as PostgreSQL's
/// pg_get_expr or MySQL's GENERATION_EXPRESSION print them. Anything else does not parse, and is not translated.
/// </summary>
internal abstract record GenerationSyntax
{
    public sealed record Column(string Name) : GenerationSyntax;
    /// <param name="Digits">Digits with at most one decimal point, no sign or exponent.</param>
    public sealed record Number(string Digits) : GenerationSyntax;
    public sealed record Text(string Value) : GenerationSyntax;
    public sealed record Negate(GenerationSyntax Operand) : GenerationSyntax;
    /// <param name="Operator">+, -, *, /, % or ||.</param>
    public sealed record Binary(string Operator, GenerationSyntax Left, GenerationSyntax Right) : GenerationSyntax;
    /// <param name="Name">Lower case.</param>
    public sealed record Call(string Name, IReadOnlyList<GenerationSyntax> Arguments) : GenerationSyntax;
    /// <param name="Type">Lower case, single spaces: "numeric", "character varying(20)", "signed".</param>
    public sealed record Cast(GenerationSyntax Operand, string Type) : GenerationSyntax;

    /// <summary>The expression as PostgreSQL (<paramref name="postgres"/>) or MySQL prints it, or null when it is outside the language.</summary>
    public static GenerationSyntax? Parse(string expression, bool postgres)
    {
        try
        {
            var parser = new Parser(Tokenize(expression, postgres), postgres);
            var result = parser.Expression();
            return parser.AtEnd ? result : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private enum Kind { Name, QuotedName, Number, String, Symbol }

    private readonly record struct Token(Kind Kind, string Text);

    private static List<Token> Tokenize(string s, bool postgres)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                if (i < s.Length && s[i] == '.') { i++; while (i < s.Length && char.IsAsciiDigit(s[i])) i++; }
                // Exponents make floating-point values on MySQL: not in the language.
                if (i < s.Length && (char.IsAsciiLetter(s[i]) || s[i] == '_')) throw new FormatException();
                tokens.Add(new Token(Kind.Number, s[start..i]));
                continue;
            }
            if (c == '\'')
            {
                tokens.Add(new Token(Kind.String, Quoted(s, ref i, '\'')));
                continue;
            }
            if (c == (postgres ? '"' : '`'))
            {
                tokens.Add(new Token(Kind.QuotedName, Quoted(s, ref i, c)));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '$')) i++;
                var word = s[start..i];
                // MySQL's charset introducer before a string literal (_utf8mb4'x'): the text is what counts.
                if (!postgres && word[0] == '_' && i < s.Length && s[i] == '\'') continue;
                tokens.Add(new Token(Kind.Name, word));
                continue;
            }
            var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
            if (two is "||" or "::")
            {
                tokens.Add(new Token(Kind.Symbol, two));
                i += 2;
                continue;
            }
            if (c is '(' or ')' or ',' or '+' or '-' or '*' or '/' or '%')
            {
                tokens.Add(new Token(Kind.Symbol, c.ToString()));
                i++;
                continue;
            }
            throw new FormatException();
        }
        return tokens;
    }

    /// <summary>A quoted string or name, doubled quotes undone; a backslash (an escape on MySQL, unless a mode says not) is not in the language.</summary>
    private static string Quoted(string s, ref int i, char quote)
    {
        var sb = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= s.Length || s[i] == '\\') throw new FormatException();
            if (s[i] == quote)
            {
                if (i + 1 < s.Length && s[i + 1] == quote) { sb.Append(quote); i += 2; continue; }
                i++;
                return sb.ToString();
            }
            sb.Append(s[i++]);
        }
    }

    /// <summary>Precedence climbing: || lowest (PostgreSQL's "other operators"; MySQL's || is OR, not in the language), then + -, then * / %.</summary>
    private sealed class Parser(List<Token> tokens, bool postgres)
    {
        private int _at;

        public bool AtEnd => _at == tokens.Count;

        private Token? Peek => _at < tokens.Count ? tokens[_at] : null;

        private bool TakeSymbol(string symbol)
        {
            if (Peek is { Kind: Kind.Symbol } t && t.Text == symbol) { _at++; return true; }
            return false;
        }

        private void Expect(string symbol)
        {
            if (!TakeSymbol(symbol)) throw new FormatException();
        }

        private bool TakeWord(string word)
        {
            if (Peek is { Kind: Kind.Name } t && t.Text.Equals(word, StringComparison.OrdinalIgnoreCase)) { _at++; return true; }
            return false;
        }

        public GenerationSyntax Expression()
        {
            var left = Additive();
            while (postgres && TakeSymbol("||")) left = new Binary("||", left, Additive());
            return left;
        }

        private GenerationSyntax Additive()
        {
            var left = Multiplicative();
            while (true)
            {
                if (TakeSymbol("+")) left = new Binary("+", left, Multiplicative());
                else if (TakeSymbol("-")) left = new Binary("-", left, Multiplicative());
                else return left;
            }
        }

        private GenerationSyntax Multiplicative()
        {
            var left = Unary();
            while (true)
            {
                if (TakeSymbol("*")) left = new Binary("*", left, Unary());
                else if (TakeSymbol("/")) left = new Binary("/", left, Unary());
                else if (TakeSymbol("%")) left = new Binary("%", left, Unary());
                else return left;
            }
        }

        private GenerationSyntax Unary()
        {
            if (TakeSymbol("-")) return new Negate(Unary());
            if (TakeSymbol("+")) return Unary();
            var operand = Primary();
            while (postgres && TakeSymbol("::")) operand = new Cast(operand, TypeName());
            return operand;
        }

        private GenerationSyntax Primary()
        {
            var token = Peek ?? throw new FormatException();
            _at++;
            switch (token.Kind)
            {
                case Kind.Number: return new Number(token.Text);
                case Kind.String: return new Text(token.Text);
                case Kind.QuotedName: return new Column(token.Text);
                case Kind.Symbol when token.Text == "(":
                    var inner = Expression();
                    Expect(")");
                    return inner;
                case Kind.Name when Peek is { Kind: Kind.Symbol, Text: "(" }:
                    _at++;
                    var name = token.Text.ToLowerInvariant();
                    if (name == "cast")
                    {
                        var operand = Expression();
                        if (!TakeWord("as")) throw new FormatException();
                        var type = TypeName();
                        Expect(")");
                        return new Cast(operand, type);
                    }
                    var arguments = new List<GenerationSyntax>();
                    if (!TakeSymbol(")"))
                    {
                        do arguments.Add(Expression()); while (TakeSymbol(","));
                        Expect(")");
                    }
                    return new Call(name, arguments);
                // PostgreSQL prints plain lower-case names unquoted; MySQL always quotes column names.
                case Kind.Name when postgres: return new Column(token.Text);
                default: throw new FormatException();
            }
        }

        /// <summary>Words and an optional (n[,m]): "character varying(20)", "numeric", "signed".</summary>
        private string TypeName()
        {
            var words = new List<string>();
            while (Peek is { Kind: Kind.Name } word && !(words.Count > 0 && word.Text.Equals("as", StringComparison.OrdinalIgnoreCase)))
            {
                words.Add(word.Text.ToLowerInvariant());
                _at++;
            }
            if (words.Count == 0) throw new FormatException();
            var type = string.Join(' ', words);
            if (TakeSymbol("("))
            {
                var sizes = new List<string>();
                do sizes.Add(Peek is { Kind: Kind.Number } n ? tokens[_at++].Text : throw new FormatException()); while (TakeSymbol(","));
                Expect(")");
                type += $"({string.Join(',', sizes)})";
            }
            return type;
        }
    }
}
