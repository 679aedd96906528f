using System.Text;
using System.Text.RegularExpressions;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// A PostgreSQL domain's CHECK constraint (as pg_get_constraintdef prints it: <c>CHECK (((VALUE &gt;= 1901) AND (VALUE &lt;= 2155)))</c>)
/// as a MySQL CHECK on the column of that domain, when it means the same there with certainty: VALUE becomes the column,
/// and only comparisons, AND/OR/NOT, IS [NOT] NULL, BETWEEN, IN lists (PostgreSQL's = ANY (ARRAY[...]) and &lt;&gt; ALL
/// (...)), numbers, strings and parentheses are taken. Numbers compare with numbers on integer and numeric columns;
/// strings only for (in)equality on character varying and text columns, and as bytes (MySQL's binary collation pads
/// with spaces, PostgreSQL's text does not). Anything else (functions, other casts, ordering of strings, a constraint
/// NOT VALID) is not translated, with the reason.
/// </summary>
internal static partial class DomainCheck
{
    private enum Kind { Bool, Column, Number, Text, List }

    /// <summary>A part of the condition in MySQL's SQL; a literal keeps its value, a list its items.</summary>
    private sealed record Node(Kind Kind, string Sql, string? Literal = null, IReadOnlyList<Node>? Items = null);

    /// <summary>The MySQL condition, or null with <paramref name="reason"/> saying why it is not translated.</summary>
    /// <param name="definition">The constraint as PostgreSQL prints it.</param>
    /// <param name="column">The PostgreSQL column (its domain resolved to the base type).</param>
    public static string? ToMySql(string definition, ColumnSchema column, out string reason)
    {
        reason = "";
        var body = definition.Trim();
        if (body.EndsWith(" NOT VALID", StringComparison.Ordinal))
        {
            reason = "it is NOT VALID on PostgreSQL (rows there may break it)";
            return null;
        }
        if (!body.StartsWith("CHECK ", StringComparison.Ordinal))
        {
            reason = "it is not a CHECK constraint";
            return null;
        }
        try
        {
            var parser = new Parser(Tokenize(body[6..]), column);
            var node = parser.Expression();
            parser.End();
            if (node.Kind != Kind.Bool) throw new FormatException("it is not a condition");
            return node.Sql;
        }
        catch (FormatException e)
        {
            reason = e.Message;
            return null;
        }
    }

    private static Kind ColumnKind(ColumnSchema column) => column.DataType switch
    {
        "smallint" or "integer" or "bigint" or "numeric" => Kind.Number,
        "character varying" or "text" => Kind.Text,
        _ => Kind.Bool, // neither: VALUE cannot be compared with certainty
    };

    private sealed class Parser(List<string> tokens, ColumnSchema column)
    {
        private int _at;
        private readonly Kind _columnKind = ColumnKind(column);
        private readonly string _quoted = MySqlSyntax.QuoteIdentifier(column.Name);

        private string? Peek(int ahead = 0) => _at + ahead < tokens.Count ? tokens[_at + ahead] : null;
        private bool IsWord(string word, int ahead = 0) => string.Equals(Peek(ahead), word, StringComparison.OrdinalIgnoreCase);

        private void Expect(string token)
        {
            if (Peek() != token) throw new FormatException($"expected {token} at '{Peek() ?? "the end"}'");
            _at++;
        }

        public void End()
        {
            if (_at != tokens.Count) throw new FormatException($"'{Peek()}' is not translated");
        }

        public Node Expression()
        {
            var left = And();
            while (IsWord("OR"))
            {
                _at++;
                left = new Node(Kind.Bool, $"({Condition(left)} OR {Condition(And())})");
            }
            return left;
        }

        private Node And()
        {
            var left = Not();
            while (IsWord("AND"))
            {
                _at++;
                left = new Node(Kind.Bool, $"({Condition(left)} AND {Condition(Not())})");
            }
            return left;
        }

        private Node Not()
        {
            if (!IsWord("NOT")) return Predicate();
            _at++;
            return new Node(Kind.Bool, $"(NOT {Condition(Not())})");
        }

        private static string Condition(Node node) =>
            node.Kind == Kind.Bool ? node.Sql : throw new FormatException($"{node.Sql} is not a condition");

        private Node Predicate()
        {
            var left = Operand();
            if (Peek() is "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = tokens[_at++] == "!=" ? "<>" : tokens[_at - 1];
                if (IsWord("ANY") || IsWord("ALL"))
                {
                    var all = IsWord("ALL");
                    _at++;
                    Expect("(");
                    var list = Operand();
                    Expect(")");
                    if ((op, all) is not (("=", false) or ("<>", true)))
                        throw new FormatException($"{op} {(all ? "ALL" : "ANY")} is not translated");
                    return In(left, list, negated: all);
                }
                return Compare(left, op, Operand());
            }
            if (IsWord("IS"))
            {
                _at++;
                var not = IsWord("NOT");
                if (not) _at++;
                if (!IsWord("NULL")) throw new FormatException($"IS {(not ? "NOT " : "")}{Peek()} is not translated");
                _at++;
                if (left.Kind == Kind.List) throw new FormatException("an array is not translated");
                return new Node(Kind.Bool, $"({left.Sql} IS {(not ? "NOT " : "")}NULL)");
            }
            var negated = IsWord("NOT") && (IsWord("BETWEEN", 1) || IsWord("IN", 1));
            if (negated) _at++;
            if (IsWord("BETWEEN"))
            {
                _at++;
                if (IsWord("SYMMETRIC")) throw new FormatException("BETWEEN SYMMETRIC is not translated");
                var low = Operand();
                if (!IsWord("AND")) throw new FormatException("BETWEEN without AND");
                _at++;
                var high = Operand();
                Compare(left, "<=", low);
                Compare(left, "<=", high);
                return new Node(Kind.Bool, $"({Side(left, low)}{(negated ? " NOT" : "")} BETWEEN {Side(low, left)} AND {Side(high, left)})");
            }
            if (IsWord("IN"))
            {
                _at++;
                Expect("(");
                var items = new List<Node> { Operand() };
                while (Peek() == ",")
                {
                    _at++;
                    items.Add(Operand());
                }
                Expect(")");
                return In(left, List(items), negated);
            }
            return left;
        }

        /// <summary>a op b, when both sides are of a kind compared the same way on both servers.</summary>
        private Node Compare(Node left, string op, Node right)
        {
            var kinds = new[] { Comparable(left), Comparable(right) };
            if (kinds[0] != kinds[1])
                throw new FormatException($"{left.Sql} and {right.Sql} are not compared with certainty");
            if (kinds[0] == Kind.Text && op is not ("=" or "<>"))
                throw new FormatException($"strings are ordered by each server's collation ({op}), which differ");
            return new Node(Kind.Bool, $"({Side(left, right)} {op} {Side(right, left)})");
        }

        private Node In(Node left, Node list, bool negated)
        {
            if (list.Kind != Kind.List) throw new FormatException($"{list.Sql} is not a list");
            if (Comparable(left) != list.Items![0].Kind) throw new FormatException($"{left.Sql} and {list.Sql} are not compared with certainty");
            return new Node(Kind.Bool, $"({Side(left, list)}{(negated ? " NOT" : "")} IN {list.Sql})");
        }

        /// <summary>What a side compares as: the column as its values' kind; a condition or list as neither.</summary>
        private Kind Comparable(Node node) => node.Kind switch
        {
            Kind.Column when _columnKind != Kind.Bool => _columnKind,
            Kind.Number or Kind.Text => node.Kind,
            _ => throw new FormatException($"{node.Sql} is not compared with certainty"),
        };

        /// <summary>A side as MySQL compares it: text columns as bytes, against strings, so no padding rule applies.</summary>
        private string Side(Node node, Node other) =>
            node.Kind == Kind.Column && _columnKind == Kind.Text ? $"CAST({node.Sql} AS BINARY)" : node.Sql;

        private static Node List(List<Node> items)
        {
            var kind = items[0].Kind;
            if (kind is not (Kind.Number or Kind.Text) || items.Any(i => i.Kind != kind))
                throw new FormatException("a list of other than numbers or strings is not translated");
            return new Node(Kind.List, "(" + string.Join(", ", items.Select(i => i.Sql)) + ")", Items: items);
        }

        private Node Operand()
        {
            var node = Primary();
            while (Peek() == "::")
            {
                _at++;
                node = Cast(node, TypeName());
            }
            return node;
        }

        private Node Primary()
        {
            var token = Peek() ?? throw new FormatException("the condition ends early");
            _at++;
            if (token == "(")
            {
                var inner = Expression();
                Expect(")");
                return inner;
            }
            if (token.Equals("VALUE", StringComparison.OrdinalIgnoreCase)) return new Node(Kind.Column, _quoted);
            if (token.Equals("ARRAY", StringComparison.OrdinalIgnoreCase))
            {
                Expect("[");
                var items = new List<Node> { Operand() };
                while (Peek() == ",")
                {
                    _at++;
                    items.Add(Operand());
                }
                Expect("]");
                return List(items);
            }
            if (token == "-" && Peek() is { } next && DecimalPattern().IsMatch(next))
            {
                _at++;
                return new Node(Kind.Number, "-" + next, "-" + next);
            }
            // Exponents are left out: MySQL reads 1e5 as a double, which compares approximately.
            if (DecimalPattern().IsMatch(token)) return new Node(Kind.Number, token, token);
            if (token.StartsWith('\''))
            {
                var value = token[1..^1].Replace("''", "'");
                return new Node(Kind.Text, MySqlSyntax.QuoteString(value), value);
            }
            throw new FormatException($"'{token}' is not translated");
        }

        /// <summary>A type name after ::, words up to the next operator or keyword, with its modifiers and [].</summary>
        private string TypeName()
        {
            var words = new List<string>();
            while (Peek() is { } word && (char.IsLetter(word[0]) || word[0] is '"' or '_') && !IsKeyword(word))
            {
                words.Add(word.ToLowerInvariant());
                _at++;
                if (Peek() == ".")
                {
                    words.Add(".");
                    _at++;
                }
            }
            if (words.Count == 0) throw new FormatException($"a type name is missing at '{Peek()}'");
            var name = string.Join(" ", words).Replace(" . ", ".", StringComparison.Ordinal);
            if (Peek() == "(")
            {
                var modifiers = new StringBuilder("(");
                for (_at++; Peek() is { } t && t != ")"; _at++) modifiers.Append(t);
                Expect(")");
                name += modifiers.Append(')');
            }
            if (Peek() == "[" && Peek(1) == "]")
            {
                _at += 2;
                name += "[]";
            }
            return name;
        }

        private static bool IsKeyword(string word) =>
            word.ToUpperInvariant() is "AND" or "OR" or "NOT" or "IS" or "IN" or "BETWEEN" or "ANY" or "ALL" or "NULL";

        /// <summary>A cast that keeps the value as it is: a number literal to an integer type (when whole) or numeric, a string
        /// literal to a text type or to a number when it spells one, the column to its own kind, a list element by element.</summary>
        private Node Cast(Node node, string type)
        {
            if (node.Kind == Kind.List && type.EndsWith("[]", StringComparison.Ordinal))
            {
                var element = type[..^2];
                return List(node.Items!.Select(i => Cast(i, element)).ToList());
            }
            var integer = type is "smallint" or "integer" or "bigint";
            var number = integer || type == "numeric";
            var text = type is "text" or "character varying";
            switch (node.Kind)
            {
                case Kind.Number when integer && !node.Sql.Contains('.') && !node.Sql.Contains('e', StringComparison.OrdinalIgnoreCase):
                case Kind.Number when type == "numeric":
                    return node;
                case Kind.Text when text:
                    return node;
                case Kind.Text when number && SignedDecimalPattern().IsMatch(node.Literal!) && (!integer || !node.Literal!.Contains('.')):
                    return new Node(Kind.Number, node.Literal!, node.Literal);
                case Kind.Column when _columnKind == Kind.Text && text:
                case Kind.Column when _columnKind == Kind.Number && (type == "numeric" || type == "bigint" && column.DataType is "smallint" or "integer" or "bigint"
                                                                     || type == "integer" && column.DataType is "smallint" or "integer"):
                    return node;
            }
            throw new FormatException($"the cast of {node.Sql} to {type} is not translated");
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var j = i + 1;
                while (true)
                {
                    if (j >= text.Length) throw new FormatException("a string is not closed");
                    if (text[j] == '\'' && j + 1 < text.Length && text[j + 1] == '\'') { j += 2; continue; }
                    if (text[j] == '\'') break;
                    j++;
                }
                tokens.Add(text[i..(j + 1)]);
                i = j + 1;
                continue;
            }
            if (c == '"')
            {
                var j = text.IndexOf('"', i + 1);
                if (j < 0) throw new FormatException("a quoted name is not closed");
                tokens.Add(text[i..(j + 1)]);
                i = j + 1;
                continue;
            }
            if (char.IsAsciiDigit(c) || c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                var match = NumberPattern().Match(text, i);
                tokens.Add(match.Value);
                i += match.Length;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var j = i;
                while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] is '_' or '$')) j++;
                // E'...', U&'...' and B'...' strings carry escapes or bits this translation does not read.
                if (j < text.Length && text[j] is '\'' or '&') throw new FormatException($"the string {text[i..j]}'...' is not translated");
                tokens.Add(text[i..j]);
                i = j;
                continue;
            }
            var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            if (two is "::" or "<>" or "!=" or "<=" or ">=")
            {
                tokens.Add(two);
                i += 2;
                continue;
            }
            if (c is '(' or ')' or '[' or ']' or ',' or '=' or '<' or '>' or '-' or '.')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            throw new FormatException($"'{c}' is not translated");
        }
        return tokens;
    }

    [GeneratedRegex(@"\G\d*\.?\d+(?:[eE][+-]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^\d+(?:\.\d+)?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^-?\d+(?:\.\d+)?$")]
    private static partial Regex SignedDecimalPattern();
}
