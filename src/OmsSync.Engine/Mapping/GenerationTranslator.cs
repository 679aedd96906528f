using System.Globalization;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// A generated column's expression in the other server's SQL, only where both servers provably compute the same value
/// from the same row, so the target may compute the column itself. The subset: columns of integer, exact numeric and
/// text types; integer and decimal literals; ASCII string literals; unary minus; + - * on integer and exact numeric
/// operands; text concatenation (PostgreSQL's ||, MySQL's CONCAT: both NULL when any operand is); coalesce, abs, and
/// round to a non-negative number of places (both round exact decimals half away from zero); casts that keep the value.
/// Everything else stays out, with the reason: division (PostgreSQL's numeric division and MySQL's
/// div_precision_increment give different digits), floating-point values, other functions (collations, time zones and
/// formatting differ), casts that may change a value. The column's own type must hold the result exactly: integers in
/// integer columns, decimals with no more places than the column has, text in text columns.
/// </summary>
internal static class GenerationTranslator
{
    private enum Kind { Integer, Decimal, Text }

    /// <param name="Scale">Decimal places of a decimal result (0 for integers and text).</param>
    private sealed record Typed(Kind Kind, int Scale, string Sql, bool Concat = false);

    private sealed class Untranslatable(string reason) : Exception(reason);

    /// <summary>The MySQL expression for a PostgreSQL generated column, or null with the reason it is not translated.</summary>
    /// <param name="moved">The table's columns the task moves; an expression reading any other cannot be computed on the target.</param>
    public static string? ToMySql(TableSchema pg, ColumnSchema column, IReadOnlySet<string>? moved, out string reason) =>
        Translate(pg, column, moved, postgres: true, out reason);

    /// <summary>The PostgreSQL expression for a MySQL generated column, or null with the reason it is not translated.</summary>
    public static string? ToPostgres(TableSchema mysql, ColumnSchema column, IReadOnlySet<string>? moved, out string reason) =>
        Translate(mysql, column, moved, postgres: false, out reason);

    private static string? Translate(TableSchema table, ColumnSchema column, IReadOnlySet<string>? moved, bool postgres, out string reason)
    {
        reason = "";
        if (GenerationSyntax.Parse(column.GenerationExpression ?? "", postgres) is not { } syntax)
        {
            reason = "it uses syntax outside the subset OmsSync translates";
            return null;
        }
        try
        {
            var result = new Translation(table, moved, postgres).Emit(syntax);
            var want = ColumnKind(table, column, postgres, out var scale)
                ?? throw new Untranslatable($"the column's type {column.ColumnType} is outside the subset");
            var holds = want switch
            {
                Kind.Integer => result.Kind == Kind.Integer,
                Kind.Decimal => result.Kind == Kind.Integer || result.Kind == Kind.Decimal && result.Scale <= scale,
                _ => result.Kind == Kind.Text,
            };
            if (!holds)
                throw new Untranslatable(result.Kind == Kind.Decimal && want == Kind.Decimal
                    ? $"the result has up to {result.Scale} decimal places, more than the column's {scale}, and rounding on assignment is not translated"
                    : $"its result ({result.Kind.ToString().ToLowerInvariant()}) is not exactly what the column's type {column.ColumnType} holds");
            return result.Sql;
        }
        catch (Untranslatable e)
        {
            reason = e.Message;
            return null;
        }
    }

    /// <summary>The kind of a column's values, with a decimal's places; null outside the subset.</summary>
    private static Kind? ColumnKind(TableSchema table, ColumnSchema column, bool postgres, out int scale)
    {
        scale = 0;
        var (precision, places) = MySqlToPostgres.Modifiers(column.ColumnType);
        if (postgres)
            switch (column.DataType)
            {
                case "smallint" or "integer" or "bigint": return Kind.Integer;
                // Unconstrained numeric has no fixed scale: which places a value has depends on how it was computed.
                case "numeric" when precision is not null: scale = places ?? 0; return Kind.Decimal;
                // character(n) pads with spaces that || drops and MySQL's CHAR strips; not in the subset.
                case "text" or "character varying": return Kind.Text;
                default: return null;
            }
        switch (column.DataType)
        {
            // Unsigned arithmetic has its own range on MySQL (and unsigned BIGINT maps to numeric): not in the subset.
            case "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" when !column.Unsigned: return Kind.Integer;
            case "decimal" or "numeric" when places is not null || precision is not null: scale = places ?? 0; return Kind.Decimal;
            case "varchar" or "tinytext" or "text" or "mediumtext" or "longtext"
                when !MySqlToPostgres.IsBinary(column) && !MySqlToPostgres.IsMariaDbJson(table, column): return Kind.Text;
            default: return null;
        }
    }

    private sealed class Translation(TableSchema table, IReadOnlySet<string>? moved, bool postgres)
    {
        public Typed Emit(GenerationSyntax node) => node switch
        {
            GenerationSyntax.Column c => Column(c.Name),
            GenerationSyntax.Number n => Number(n.Digits),
            GenerationSyntax.Text t => Literal(t.Value),
            GenerationSyntax.Negate n => Negate(Emit(n.Operand)),
            GenerationSyntax.Binary b => Binary(b.Operator, b.Left, b.Right),
            GenerationSyntax.Call c => Call(c.Name, c.Arguments),
            GenerationSyntax.Cast c => Cast(c.Operand, c.Type),
            _ => throw new Untranslatable("it uses syntax outside the subset OmsSync translates"),
        };

        private Typed Column(string name)
        {
            var column = table.Columns.FirstOrDefault(c => c.Name == name)
                ?? throw new Untranslatable($"it reads {name}, which is not a column of the table");
            if (moved is not null && !moved.Contains(column.Name))
                throw new Untranslatable($"it reads column {column.Name}, which the task leaves out");
            if (column.IsGenerated) throw new Untranslatable($"it reads the generated column {column.Name}");
            var kind = ColumnKind(table, column, postgres, out var scale)
                ?? throw new Untranslatable($"it reads column {column.Name} of type {column.ColumnType}, outside the subset");
            if (postgres) return new Typed(kind, scale, MySqlSyntax.QuoteIdentifier(column.Name));
            // MySQL computes integers as BIGINT; PostgreSQL in the operands' own type, which could overflow where MySQL does not.
            var quoted = PostgresSyntax.QuoteIdentifier(column.Name);
            return new Typed(kind, scale, kind == Kind.Integer ? $"({quoted})::bigint" : quoted);
        }

        private static Typed Number(string text)
        {
            var point = text.IndexOf('.');
            if (point < 0)
                // A literal beyond BIGINT is a decimal on MySQL and numeric on PostgreSQL: equal values either way, but keep to integers.
                return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? new Typed(Kind.Integer, 0, text)
                    : throw new Untranslatable($"the literal {text} is beyond BIGINT");
            if (point == text.Length - 1) throw new Untranslatable($"the literal {text} has no digits after its point");
            return new Typed(Kind.Decimal, text.Length - point - 1, text);
        }

        private Typed Literal(string value)
        {
            // Non-ASCII text would pass through the connection's and the expression's character sets on MySQL.
            if (value.Any(c => c is < ' ' or > '~')) throw new Untranslatable("it holds a string literal with characters beyond printable ASCII");
            return new Typed(Kind.Text, 0, postgres ? MySqlSyntax.QuoteString(value) : PostgresSyntax.QuoteString(value) + "::text");
        }

        private static Typed Negate(Typed operand) => operand.Kind == Kind.Text
            ? throw new Untranslatable("it negates text")
            : operand with { Sql = $"(-{operand.Sql})", Concat = false };

        private Typed Binary(string op, GenerationSyntax leftOperand, GenerationSyntax rightOperand)
        {
            switch (op)
            {
                case "/": throw new Untranslatable("it divides, and PostgreSQL's numeric division and MySQL's (div_precision_increment) give different digits");
                case "%": throw new Untranslatable("it takes a remainder, which is outside the subset");
            }
            var (left, right) = (Emit(leftOperand), Emit(rightOperand));
            switch (op)
            {
                case "||":
                    if (left.Kind != Kind.Text || right.Kind != Kind.Text) throw new Untranslatable("it concatenates values other than text");
                    // Both NULL when any operand is NULL; PostgreSQL's concat() skips NULLs and is never used.
                    var parts = new[] { left, right }.Select(p => p.Concat ? p.Sql[7..^1] : p.Sql);
                    return new Typed(Kind.Text, 0, $"concat({string.Join(", ", parts)})", Concat: true);
            }
            if (left.Kind == Kind.Text || right.Kind == Kind.Text) throw new Untranslatable($"it applies {op} to text");
            var kind = left.Kind == Kind.Decimal || right.Kind == Kind.Decimal ? Kind.Decimal : Kind.Integer;
            var scale = op == "*" ? left.Scale + right.Scale : Math.Max(left.Scale, right.Scale);
            // MySQL keeps at most 30 places in a decimal result; PostgreSQL keeps all.
            if (scale > 30) throw new Untranslatable("its result has more than 30 decimal places");
            return new Typed(kind, scale, $"({left.Sql} {op} {right.Sql})");
        }

        private Typed Call(string name, IReadOnlyList<GenerationSyntax> arguments)
        {
            if (name is not ("coalesce" or "abs" or "round") && !(name == "concat" && !postgres))
                throw new Untranslatable($"it calls {name}(), which the servers do not compute alike or OmsSync does not translate");
            var args = arguments.Select(Emit).ToList();
            switch (name)
            {
                case "concat" when !postgres && args.Count > 0:
                    if (args.Any(a => a.Kind != Kind.Text)) throw new Untranslatable("it concatenates values other than text");
                    return new Typed(Kind.Text, 0, $"({string.Join(" || ", args.Select(a => a.Sql))})");
                case "coalesce" when args.Count > 0:
                    if (args.Select(a => a.Kind == Kind.Text).Distinct().Count() > 1) throw new Untranslatable("its coalesce mixes text and numbers");
                    var kind = args.Any(a => a.Kind == Kind.Decimal) ? Kind.Decimal : args[0].Kind;
                    return new Typed(kind, args.Max(a => a.Scale), $"coalesce({string.Join(", ", args.Select(a => a.Sql))})");
                case "abs" when args.Count == 1 && args[0].Kind != Kind.Text:
                    return args[0] with { Sql = $"abs({args[0].Sql})" };
                case "round" when args.Count is 1 or 2 && args[0].Kind != Kind.Text:
                    var places = 0;
                    if (args.Count == 2 && !(arguments[1] is GenerationSyntax.Number { Digits: var digits } && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out places) && places <= 30))
                        throw new Untranslatable("it rounds to places other than a literal from 0 to 30");
                    // Both round an exact value half away from zero.
                    return args[0].Kind == Kind.Integer
                        ? args[0]
                        : new Typed(Kind.Decimal, Math.Min(places, args[0].Scale), $"round({args[0].Sql}, {places})");
                default:
                    throw new Untranslatable($"it calls {name}() with arguments outside the subset");
            }
        }

        private Typed Cast(GenerationSyntax operand, string type)
        {
            var inner = Emit(operand);
            if (postgres)
                switch (type)
                {
                    case "bigint" when inner.Kind == Kind.Integer: return inner; // MySQL computes integers as BIGINT
                    case "numeric" when inner.Kind == Kind.Integer:
                        // Numeric does not overflow where BIGINT would.
                        return new Typed(Kind.Decimal, 0, $"cast({inner.Sql} as decimal(65,0))");
                    case "numeric" when inner.Kind == Kind.Decimal: return inner;
                    case "text" or "character varying" when inner.Kind == Kind.Text: return inner;
                }
            else if (type == "signed" && inner.Kind == Kind.Integer) return inner;
            throw new Untranslatable($"its cast to {type} may change a value");
        }
    }
}
