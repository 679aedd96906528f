using System.Globalization;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Postgres.Verification;

/// <summary>
/// One side of a table's compare plan in PostgreSQL's SQL. Each value is its canonical text (<see cref="ValueForm"/>)
/// in UTF-8, a bytea its bytes; the row hash is the first 64 bits of md5 over the values joined by 0xFF (NULL 0xFE),
/// byte strings' lengths after them: the same bytes a MySQL-family server hashes for the same row. PostgreSQL has no
/// unsigned bigint, so a hash is read as a signed one and its sum taken as an unsigned one's.
/// </summary>
internal sealed class PostgresCompareSql
{
    private const string Fe = @"'\xfe'::bytea";

    public PostgresCompareSql(TableComparePlan plan, Side side)
    {
        var mapping = plan.Mapping;
        Name = side == Side.Source
            ? PostgresSyntax.QuoteQualified(mapping.SourceDatabase, mapping.SourceTable)
            : PostgresSyntax.QuoteQualified(mapping.TargetDatabase, mapping.TargetTable);
        Filter = plan.Filter(side);
        Values = plan.Columns.Select(c => Value(c.SchemaOf(side), c.Form)).ToList();
        Display = plan.Columns.Select((c, i) => Shown(c.SchemaOf(side), c.Form, Values[i])).ToList();
        var parts = Values.Select(v => $"COALESCE({v}, {Fe})")
            .Concat(plan.Columns.Select((c, i) => (c, i)).Where(p => ValueForms.Binary(p.c.Form))
                .Select(p => $"COALESCE(convert_to(length({Values[p.i]})::text, 'UTF8'), {Fe})")).ToList();
        var input = parts.Count == 0 ? "''::bytea" : string.Join(@" || '\xff'::bytea || ", parts);
        if (plan.Hash != RowHash.Md5)
            throw new InvalidOperationException($"PostgreSQL computes no {plan.Hash} without extensions; plans with PostgreSQL hash with MD5.");
        Hash = $"('x' || left(md5({input}), 16))::bit(64)::bigint";
        KeyColumns = plan.KeyColumns.Select(c => Quote(c.SchemaOf(side))).ToList();
        KeyText = plan.KeyColumns.Select(c => c.Form == ValueForm.Bytes
            ? $"upper(encode({Value(c.SchemaOf(side), c.Form)}, 'hex'))"
            : Canonical(c.SchemaOf(side), c.Form, Quote(c.SchemaOf(side)))).ToList();
        KeyForms = plan.KeyColumns.Select(c => c.Form).ToList();
        KeyTypes = plan.KeyColumns.Select(c => c.SchemaOf(side).DataType).ToList();
    }

    public string Name { get; }
    public string Filter { get; }
    /// <summary>Each column's comparable value as bytea (NULL stays NULL).</summary>
    public IReadOnlyList<string> Values { get; }
    public IReadOnlyList<string> Display { get; }
    /// <summary>The row's 64-bit hash, a signed bigint holding the unsigned hash's bits.</summary>
    public string Hash { get; }
    public IReadOnlyList<string> KeyColumns { get; }
    /// <summary>Each key column's canonical text.</summary>
    public IReadOnlyList<string> KeyText { get; }
    private IReadOnlyList<ValueForm> KeyForms { get; }
    private IReadOnlyList<string> KeyTypes { get; }

    /// <summary>(k1, k2), for row comparisons that use the key's index.</summary>
    public string KeyRow => "(" + string.Join(", ", KeyColumns) + ")";

    /// <summary>Each column twice: its comparable value as bytea, and its display text.</summary>
    public string Columns => string.Join(", ", Values.Select((v, i) => $"{v}, {Display[i]}"));

    /// <summary>The sum of a hash column h as unsigned 64-bit integers, exact.</summary>
    public static string Sum(string h) => $"(COALESCE(sum({h}), 0) + 18446744073709551616 * count(*) FILTER (WHERE {h} < 0))::text";

    /// <summary>A hash's bits as PostgreSQL's signed bigint.</summary>
    public static string Signed(ulong hash) => unchecked((long)hash).ToString(CultureInfo.InvariantCulture);

    /// <summary>The text PostgreSQL reads as the key column's value, from its canonical text.</summary>
    public string Input(int keyColumn, string? canonical) => (KeyForms[keyColumn], canonical) switch
    {
        (_, null) => throw new InvalidOperationException("A key column holds NULL."),
        (ValueForm.Bytes, var hex) when KeyTypes[keyColumn] == "inet" => new System.Net.IPAddress(Convert.FromHexString(hex)).ToString(),
        (ValueForm.Bytes, var hex) => @"\x" + hex,
        (ValueForm.Set, var text) => Mapping.SetArrays.ArrayLiteral(text),
        (ValueForm.Date or ValueForm.DateTime, var text) when text.StartsWith("0000-00-00", StringComparison.Ordinal) => "-infinity",
        (_, var text) => text,
    };

    /// <summary>The canonical text of a value of <paramref name="column"/> in <paramref name="form"/>, read from <paramref name="operand"/>.</summary>
    public static string Canonical(ColumnSchema column, ValueForm form, string operand)
    {
        var text = $"({operand})::text";
        switch (form)
        {
            case ValueForm.Integer:
                return column.DataType == "boolean" ? $"({operand})::int::text" : text;
            case ValueForm.Decimal:
                return $"CASE WHEN position('.' in {text}) > 0 THEN rtrim(rtrim({text}, '0'), '.') ELSE {text} END";
            case ValueForm.Float:
                return BinaryFloat($"({operand})::float8");
            case ValueForm.Json:
                return column.DataType switch
                {
                    "json" or "jsonb" or "hstore" => $"({operand})::jsonb::text",
                    // As carried (PostgresArrayJson): numbers, booleans and documents as themselves, other elements as their text.
                    // That text is the element's output, as in the array's own text: an element's cast to text is not always
                    // (inet's adds the netmask, character(n)'s drops the padding), so the array's text is read as text[].
                    // box, whose elements are split by ';', casts to its output.
                    "array" when PostgresArrayJson.KindOf(PostgresArrayJson.ElementType(column)) == PostgresArrayJson.ElementKind.Text =>
                        PostgresArrayJson.DelimiterOf(PostgresArrayJson.ElementType(column)) == ','
                            ? $"to_jsonb((({operand})::text)::text[])::text"
                            : $"to_jsonb(({operand})::text[])::text",
                    "array" => $"to_jsonb({operand})::text",
                    _ => text,
                };
            case ValueForm.Date:
                return $"CASE WHEN {operand} = '-infinity' THEN '0000-00-00' ELSE {text} END";
            case ValueForm.DateTime:
                var wall = column.DataType == "timestamp with time zone" ? $"({operand} AT TIME ZONE 'UTC')" : operand;
                return $"CASE WHEN {wall} = '-infinity' THEN '0000-00-00 00:00:00.000000' " +
                       $"WHEN isfinite({wall}) AND {wall} >= '0001-01-01' THEN to_char({wall}, 'YYYY-MM-DD HH24:MI:SS.US') ELSE ({wall})::text END";
            case ValueForm.Time:
                return $"to_char({operand}, 'HH24:MI:SS.US')";
            case ValueForm.Bits:
                return $"CASE WHEN {operand} IS NULL THEN NULL ELSE COALESCE(NULLIF(ltrim({text}, '0'), ''), '0') END";
            case ValueForm.Set when column.DataType == "array":
                // The members joined as MySQL joins a SET's; an array no SET holds (NULL members, more dimensions) as its own text.
                return $"CASE WHEN array_ndims({operand}) > 1 THEN {text} WHEN array_position({operand}, NULL) IS NOT NULL THEN {text} " +
                       $"ELSE array_to_string({operand}, ',') END";
            default:
                // text, character(n) without its padding, enum labels, UUIDs; a type carried as its text as it was carried
                return PostgresToMySql.Carried(column) ? PostgresSyntax.OutputText(operand) : text;
        }
    }

    /// <summary>The form a PostgreSQL column's values are compared in against a MySQL-family server.</summary>
    public static ValueForm FormOf(ColumnSchema column) => column.DataType switch
    {
        "smallint" or "integer" or "bigint" or "boolean" => ValueForm.Integer,
        "numeric" => ValueForm.Decimal,
        "real" or "double precision" => ValueForm.Float,
        "bit" or "bit varying" when MySqlToPostgres.Modifiers(column.ColumnType).Length is > 0 and <= 64 => ValueForm.Bits,
        // inet meets MariaDB's INET4/INET6 as their address bytes, and the LONGTEXT it is carried in as its text (ValueForms.Join).
        "bytea" or "inet" => ValueForm.Bytes,
        "geometry" => ValueForm.Geometry,
        "date" => ValueForm.Date,
        "timestamp without time zone" or "timestamp with time zone" => ValueForm.DateTime,
        "time without time zone" => ValueForm.Time,
        "json" or "jsonb" or "array" or "hstore" => ValueForm.Json,
        _ => ValueForm.Text, // and every type carried to MySQL as its text
    };

    private static string Quote(ColumnSchema column) => PostgresSyntax.QuoteIdentifier(column.Name);

    private static string Value(ColumnSchema column, ValueForm form) => form switch
    {
        ValueForm.Geometry => PostGis.MySqlForm(column, Quote(column)),
        // inet as the 4 or 16 address bytes MariaDB stores; with a netmask narrower than the address (a network) as the whole inet.
        ValueForm.Bytes when column.DataType == "inet" =>
            $"CASE WHEN masklen({Quote(column)}) = CASE family({Quote(column)}) WHEN 4 THEN 32 ELSE 128 END " +
            $"THEN substring(inet_send({Quote(column)}) from 5) ELSE inet_send({Quote(column)}) END",
        ValueForm.Bytes => Quote(column),
        _ => $"convert_to({Canonical(column, form, Quote(column))}, 'UTF8')",
    };

    private static string Shown(ColumnSchema column, ValueForm form, string value) => column.DataType == "bytea" || form == ValueForm.Geometry
        ? $"'0x' || upper(encode({value}, 'hex'))"
        : PostgresToMySql.Carried(column) ? PostgresSyntax.OutputText(Quote(column)) : $"({Quote(column)})::text";

    /// <summary>
    /// A double as its binary mantissa and exponent, M p E (see MySqlCompareSql): the same text a MySQL-family server
    /// writes for the same double. NaN and infinity, which MySQL does not hold, as themselves.
    /// </summary>
    private static string BinaryFloat(string x)
    {
        var a = $"abs({x})";
        var estimate = $"least(floor(ln({a}) / ln(2::float8)), 1023)";
        var exponent = $"({estimate} + ({a} / power(2::float8, {estimate}) >= 2)::int - ({a} / power(2::float8, {estimate}) < 1)::int)";
        return $"CASE WHEN {x} = 0 THEN '0' WHEN {x} IN ('NaN', 'Infinity', '-Infinity') THEN ({x})::text " +
               $"ELSE CASE WHEN {x} < 0 THEN '-' ELSE '' END || CASE WHEN {a} < 2.2250738585072014e-308 " +
               $"THEN ({a} * power(2::float8, 537) * power(2::float8, 537))::bigint::text || 'p-1074' " +
               $"ELSE ({a} / power(2::float8, {exponent} - 52))::bigint::text || 'p' || ({exponent} - 52)::int::text END END";
    }
}
