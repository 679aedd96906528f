using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.MySql.Verification;

/// <summary>
/// One side of a table's compare plan in a MySQL-family server's SQL: the table's name, each column's comparable value
/// and display text, the row hash, and the key its ranges and rows are read by.
///
/// Between two MySQL-family servers values are compared as the bytes the server stores (a string column whose charset
/// differs between the sides as utf8mb4 on both; FLOAT to 6 significant digits and DOUBLE to 15, FLT_DIG and DBL_DIG),
/// hashed between 0xFF separators as they are when they can never hold 0xFE or 0xFF (numbers, temporal text, UTF-8
/// text), and with their length after the values otherwise; NULL is 0xFE. Against another kind of server each value
/// is its canonical text (<see cref="ValueForm"/>), byte strings their bytes, each NULL 0xFE, byte strings' lengths after.
/// </summary>
internal sealed class MySqlCompareSql
{
    private const string Fe = "CAST(X'FE' AS BINARY)";

    public MySqlCompareSql(TableComparePlan plan, Side side)
    {
        var mapping = plan.Mapping;
        Table = side == Side.Source
            ? MySqlSyntax.QuoteQualified(mapping.SourceDatabase, mapping.SourceTable)
            : MySqlSyntax.QuoteQualified(mapping.TargetDatabase, mapping.TargetTable);
        // The source is compared in the task's partitions only: the rows of the others were never copied.
        Name = Table + (side == Side.Source ? MySqlSyntax.PartitionClause(mapping.Partitions) : "") + (plan.Versioned(side) ? " FOR SYSTEM_TIME ALL" : "");
        Filter = plan.Filter(side);
        Values = plan.Columns.Select(c => Value(c, side)).ToList();
        Display = plan.Columns.Select(c => RowText.Expression(c.SchemaOf(side))).ToList();
        var parts = plan.Columns.Select((c, i) => HashElement(c, side, Values[i]))
            .Concat(plan.Columns.Select((c, i) => LengthMarker(c, side, Values[i])).OfType<string>()).ToList();
        var input = parts.Count == 0 ? "''" : $"CONCAT_WS(CAST(X'FF' AS BINARY), {string.Join(", ", parts)})";
        // 64 bits of the digest as an unsigned integer: its first 16 hex digits, or the CRC32 and CRC32C of its text (the
        // variable holds the digest for the second CRC; MariaDB evaluates the operands of | left to right).
        Hash = plan.Hash == RowHash.Sha1Crc
            ? $"((CRC32(@oms_row_digest := SHA1({input})) << 32) | CRC32C(@oms_row_digest))"
            : $"CAST(CONV(LEFT({(plan.Hash == RowHash.Sha1 ? "SHA1" : "MD5")}({input}), 16), 16, 10) AS UNSIGNED)";
        if (plan.HasKey)
        {
            var columns = plan.KeyColumns.Select(c => c.SchemaOf(side)).ToList();
            Key = plan.KeyColumns.All(c => !ValueForms.Canonical(c.Form))
                ? new ChunkKey(columns)
                : new ChunkKey(columns, plan.KeyColumns.Select(c => KeyText(c, side)).ToList());
        }
    }

    /// <summary>The table, qualified and quoted, as statements that write it name it.</summary>
    public string Table { get; }
    /// <summary>The table as queries read it: with every row version of a system-versioned table, in the task's partitions on the source.</summary>
    public string Name { get; }
    /// <summary>The source's row filter as a condition to AND in ("TRUE" elsewhere).</summary>
    public string Filter { get; }
    /// <summary>Each column's comparable value (NULL stays NULL).</summary>
    public IReadOnlyList<string> Values { get; }
    /// <summary>Each column as display text (binary values as 0x-hex).</summary>
    public IReadOnlyList<string> Display { get; }
    /// <summary>The row's 64-bit hash, an unsigned integer.</summary>
    public string Hash { get; }
    /// <summary>The key ranges and rows are read by; null for a table compared as a multiset.</summary>
    public ChunkKey? Key { get; }

    /// <summary>Each column twice: its comparable value as bytes, and its display text.</summary>
    public string Columns => string.Join(", ", Values.Select((v, i) => $"CAST({v} AS BINARY), {Display[i]}"));

    /// <summary>The canonical text of a value of <paramref name="column"/> in <paramref name="form"/>, read from <paramref name="operand"/>.</summary>
    public static string Canonical(ColumnSchema column, ValueForm form, string operand) => form switch
    {
        ValueForm.Integer => $"CAST({operand} + 0 AS CHAR)",
        ValueForm.Decimal => TrimFraction($"CAST({operand} AS CHAR)"),
        ValueForm.Float => BinaryFloat($"({operand} + 0e0)"),
        // INET4 and INET6 as the 4 or 16 bytes they store; a geometry as its stored SRID and WKB.
        ValueForm.Bytes when InetAddresses.IsInet(column) => $"CAST({operand} AS BINARY)",
        ValueForm.Geometry => $"CAST({operand} AS BINARY)",
        ValueForm.Bytes => operand,
        ValueForm.Date => $"CAST(CAST({operand} AS DATE) AS CHAR)",
        ValueForm.DateTime => $"CAST(CAST({operand} AS DATETIME(6)) AS CHAR)",
        ValueForm.Time => $"CAST(CAST({operand} AS TIME(6)) AS CHAR)",
        ValueForm.Bits => $"BIN({operand} + 0)",
        _ => $"CONVERT({operand} USING utf8mb4)", // text, labels, UUIDs, JSON as written
    };

    private static string Value(ComparedColumn column, Side side)
    {
        var schema = column.SchemaOf(side);
        var q = MySqlSyntax.QuoteIdentifier(schema.Name);
        if (ValueForms.Canonical(column.Form)) return Canonical(schema, column.Form, q);
        var sameCharset = string.Equals(column.Source.Charset, column.Target.Charset, StringComparison.OrdinalIgnoreCase);
        return schema.DataType switch
        {
            "bit" => $"({q} + 0)",
            "float" or "double" or "real" => $"({q} + 0e0)",
            _ when MySqlColumnTransfer.IsSpatial(schema.DataType) => $"CAST({q} AS BINARY)",
            _ when IsText(schema) && !sameCharset => $"CONVERT({q} USING utf8mb4)",
            _ => q,
        };
    }

    private static string KeyText(ComparedColumn column, Side side)
    {
        var schema = column.SchemaOf(side);
        var q = MySqlSyntax.QuoteIdentifier(schema.Name);
        return column.Form == ValueForm.Bytes ? $"HEX({q})" : Canonical(schema, column.Form, q);
    }

    /// <summary>
    /// True when the value's bytes can never hold 0xFE or 0xFF (numbers, temporal text, UTF-8 text): it is hashed
    /// between 0xFF separators as it is. Other values (binary, single-byte charsets) also hash their length.
    /// </summary>
    public static bool SeparatorFree(ComparedColumn column)
    {
        if (ValueForms.Canonical(column.Form)) return !ValueForms.Binary(column.Form);
        var source = column.Source;
        var sameCharset = string.Equals(source.Charset, column.Target.Charset, StringComparison.OrdinalIgnoreCase);
        return column.Form != ValueForm.Stored || IsNumericOrTemporal(source.DataType) || IsText(source) && (!sameCharset || IsUtf8(source.Charset));
    }

    // The column's part of a row's hash input: floats rounded to the compared digits, NULL marked by 0xFE.
    private static string HashElement(ComparedColumn column, Side side, string value)
    {
        if (column.Form is ValueForm.StoredFloat or ValueForm.StoredDouble)
        {
            // ROUND to the compared significant digits; equal inputs give equal doubles, hence equal text.
            var digits = column.Form == ValueForm.StoredFloat ? ComparedColumn.FloatDigits : ComparedColumn.DoubleDigits;
            value = $"IF({value} = 0, 0, ROUND({value}, {digits - 1} - FLOOR(LOG10(ABS({value})))))";
        }
        if (ValueForms.Canonical(column.Form)) return $"IFNULL({value}, {Fe})";
        if (!SeparatorFree(column)) return value; // NULL is skipped by CONCAT_WS; its length marker says so
        return column.SchemaOf(side).Nullable ? $"IFNULL({value}, {Fe})" : value;
    }

    // For a value that may hold separator bytes: its length, or 0xFE for NULL, hashed after the values.
    private static string? LengthMarker(ComparedColumn column, Side side, string value) => SeparatorFree(column)
        ? null
        : ValueForms.Canonical(column.Form) ? $"IFNULL(CAST(LENGTH({value}) AS CHAR), {Fe})" : $"IFNULL(LENGTH({value}), {Fe})";

    // "1.500" as "1.5", "2.000" as "2"; integers as they are.
    private static string TrimFraction(string text) =>
        $"IF(LOCATE('.', {text}) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM {text})), {text})";

    /// <summary>
    /// A double as its binary mantissa and exponent, "Mp(E)" meaning M x 2^E with M an integer in [2^52, 2^53) (a subnormal
    /// as k p-1074, zero as 0): exact, the same text PostgreSQL writes for the same double, and computed with arithmetic
    /// alone, which costs the server a fraction of rewriting its decimal text. LOG2 only estimates the exponent; the
    /// comparisons with powers of two, and the divisions by them, are exact.
    /// </summary>
    private static string BinaryFloat(string x)
    {
        var a = $"ABS({x})";
        var estimate = $"LEAST(FLOOR(LOG2({a})), 1023)";
        var exponent = $"({estimate} + ({a} / POW(2, {estimate}) >= 2) - ({a} / POW(2, {estimate}) < 1))";
        return $"IF({x} = 0, '0', CONCAT(IF({x} < 0, '-', ''), IF({a} < 2.2250738585072014e-308, " +
               $"CONCAT(CAST({a} * POW(2, 537) * POW(2, 537) AS UNSIGNED), 'p-1074'), " +
               $"CONCAT(CAST({a} / POW(2, {exponent} - 52) AS UNSIGNED), 'p', {exponent} - 52))))";
    }

    private static bool IsText(ColumnSchema column) => column.Charset is { Length: > 0 } charset
        && !string.Equals(charset, "binary", StringComparison.OrdinalIgnoreCase) && !MySqlColumnTransfer.IsSpatial(column.DataType);

    private static bool IsUtf8(string? charset) => charset?.ToLowerInvariant() is "utf8" or "utf8mb3" or "utf8mb4" or "ascii";

    private static bool IsNumericOrTemporal(string dataType) => dataType is "tinyint" or "smallint" or "mediumint" or "int" or "integer"
        or "bigint" or "decimal" or "numeric" or "year" or "bit" or "date" or "datetime" or "timestamp" or "time";

    /// <summary>The form a MySQL-family column's values are compared in against another kind of server.</summary>
    public static ValueForm FormOf(TableSchema table, ColumnSchema column) => column.DataType switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "year" => ValueForm.Integer,
        "decimal" or "numeric" => ValueForm.Decimal,
        "float" or "double" or "real" => ValueForm.Float,
        "bit" => ValueForm.Bits,
        "date" => ValueForm.Date,
        "datetime" or "timestamp" => ValueForm.DateTime,
        "time" => ValueForm.Time,
        "json" => ValueForm.Json,
        "set" => ValueForm.Set,
        _ when MySqlColumnTransfer.IsSpatial(column.DataType) => ValueForm.Geometry,
        _ when MySqlToPostgres.IsBinary(column) || InetAddresses.IsInet(column) => ValueForm.Bytes,
        "longtext" when MySqlToPostgres.IsMariaDbJson(table, column) => ValueForm.Json,
        _ => ValueForm.Text,
    };

    /// <summary>The form a column is compared in against another MySQL-family server: as stored, floating point to its digits.</summary>
    public static ValueForm StoredForm(ColumnSchema column) => column.DataType switch
    {
        "float" => ValueForm.StoredFloat,
        "double" or "real" => ValueForm.StoredDouble,
        _ => ValueForm.Stored,
    };
}
