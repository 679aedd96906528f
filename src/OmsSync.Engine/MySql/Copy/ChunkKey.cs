using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Schema;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>
/// The key a table is cut into chunks by, and how its boundary values are read, stored and compared.
/// Boundaries are read as text (hex for binary columns) and compared with the same ordering the
/// server uses for ORDER BY, so consecutive chunks neither overlap nor leave gaps. The values travel as a
/// <see cref="KeyTuple"/>.
/// </summary>
internal sealed class ChunkKey
{
    private readonly IReadOnlyList<ColumnSchema> _columns;
    private readonly IReadOnlyList<string>? _text;

    public ChunkKey(IReadOnlyList<ColumnSchema> columns) => _columns = columns;

    /// <summary>
    /// A key whose values travel as a text another kind of server also writes for them (verification across kinds):
    /// <paramref name="text"/> is the SQL of each column's text; ENUM and SET values are their labels.
    /// </summary>
    public ChunkKey(IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> text)
    {
        _columns = columns;
        _text = text;
    }

    public IReadOnlyList<ColumnSchema> Columns => _columns;

    public string OrderBy => string.Join(", ", _columns.Select(c => Compared(c)));

    /// <summary>SELECT list that reads a boundary row's key as text.</summary>
    public string BoundarySelect => _text is not null ? string.Join(", ", _text) : string.Join(", ", _columns.Select(c => IsBinary(c)
        ? $"HEX({MySqlSyntax.QuoteIdentifier(c.Name)})"
        : $"CAST({Compared(c)} AS CHAR CHARACTER SET utf8mb4)"));

    /// <summary>Condition "key &gt; lower" (strictly after); parameters are added to the command.</summary>
    public string After(IReadOnlyList<string?> lower, MySqlCommand command, string prefix) => Lexicographic(lower, command, prefix, ">");

    /// <summary>The chunk's range (Lower, Upper] as a condition, its bounds added to the command; TRUE when unbounded.</summary>
    public string Range(Chunk chunk, MySqlCommand command)
    {
        var parts = new List<string> { "TRUE" };
        if (chunk.Lower is not null) parts.Add(After(chunk.Lower, command, "lo"));
        if (chunk.Upper is not null) parts.Add(UpTo(chunk.Upper, command, "hi"));
        return string.Join(" AND ", parts);
    }

    /// <summary>Condition "key = values" (in the side's own collation; callers wanting exact bytes check the key read back).</summary>
    public string Equal(IReadOnlyList<string?> values, MySqlCommand command, string prefix) =>
        "(" + string.Join(" AND ", _columns.Select((c, i) => $"{Compared(c)} = {Parameter(c, values[i], command, $"{prefix}{i}")}")) + ")";

    /// <summary>Condition "key &lt;= upper".</summary>
    public string UpTo(IReadOnlyList<string?> upper, MySqlCommand command, string prefix) =>
        "NOT (" + Lexicographic(upper, command, prefix, ">") + ")";

    // (a > x) OR (a = x AND b > y) OR ...; NULLs cannot occur in key columns.
    private string Lexicographic(IReadOnlyList<string?> values, MySqlCommand command, string prefix, string op)
    {
        var terms = new List<string>();
        for (var i = 0; i < _columns.Count; i++)
        {
            var parts = new List<string>();
            for (var j = 0; j < i; j++)
                parts.Add($"{Compared(_columns[j])} = {Parameter(_columns[j], values[j], command, $"{prefix}{j}")}");
            parts.Add($"{Compared(_columns[i])} {op} {Parameter(_columns[i], values[i], command, $"{prefix}{i}")}");
            terms.Add("(" + string.Join(" AND ", parts) + ")");
        }
        return "(" + string.Join(" OR ", terms) + ")";
    }

    private string Compared(ColumnSchema column) => column.DataType is "enum" or "set" && _text is null
        ? $"({MySqlSyntax.QuoteIdentifier(column.Name)} + 0)" // ENUM orders by index, but compares with text as text
        : MySqlSyntax.QuoteIdentifier(column.Name);

    private string Parameter(ColumnSchema column, string? value, MySqlCommand command, string name)
    {
        var p = "@" + name;
        if (command.Parameters.Contains(p)) return Cast(column, p);
        command.Parameters.AddWithValue(p, Typed(column, value));
        return Cast(column, p);
    }

    /// <summary>Condition "key = values" with the values written as SQL literals, for statements saved to run later.</summary>
    public string EqualLiteral(IReadOnlyList<string?> values) =>
        "(" + string.Join(" AND ", _columns.Select((c, i) => $"{Compared(c)} = {Cast(c, Literal(Typed(c, values[i])))}")) + ")";

    private object Typed(ColumnSchema column, string? value) => column.DataType switch
    {
        "enum" or "set" when _text is not null => value!,
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "year" =>
            column.Unsigned ? ulong.Parse(value!) : long.Parse(value!),
        "float" or "double" or "real" => double.Parse(value!, System.Globalization.CultureInfo.InvariantCulture),
        "enum" or "set" => ulong.Parse(value!),
        _ when IsBinary(column) => Convert.FromHexString(value!),
        // Across kinds an address travels as the hex of its bytes (as PostgreSQL's inet is compared), which INET4 and INET6 compare with.
        "inet4" or "inet6" when _text is not null => Convert.FromHexString(value!),
        _ => value!,
    };

    private static string Literal(object typed)
    {
        var sql = new StringBuilder();
        SqlLiterals.Append(sql, typed);
        return sql.ToString();
    }

    private static string Cast(ColumnSchema column, string p) => column.DataType switch
    {
        "decimal" or "numeric" => $"CAST({p} AS DECIMAL(65,30))",
        "date" => $"CAST({p} AS DATE)",
        "datetime" or "timestamp" => $"CAST({p} AS DATETIME(6))",
        "time" => $"CAST({p} AS TIME(6))",
        _ => p,
    };

    public static bool IsBinary(ColumnSchema column) =>
        column.DataType is "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" or "bit"
        || string.Equals(column.Charset, "binary", StringComparison.OrdinalIgnoreCase);
}
