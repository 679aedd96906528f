using System.Globalization;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.Verification;

/// <summary>How values of a column are compared: byte for byte, or as floating point to a number of significant digits.</summary>
internal enum ValueComparison { Exact, Float, Double }

/// <summary>
/// One column compared between source and target: the SQL each side uses to produce a comparable value,
/// and how it enters a row's hash. Values are compared as the bytes the server stores, never through a
/// collation: 'a' and 'A' differ even where the target's collation calls them equal. A string column whose
/// charset differs between the sides is compared as utf8mb4 on both. FLOAT is compared to 6 significant
/// digits and DOUBLE to 15 (FLT_DIG and DBL_DIG: the digits any decimal text round trip keeps).
/// </summary>
internal sealed class ComparedColumn
{
    public const int FloatDigits = 6;
    public const int DoubleDigits = 15;

    private ComparedColumn(ColumnSchema source, ColumnSchema target, ValueComparison comparison, bool separatorFree, bool sameCharset)
    {
        Source = source;
        Target = target;
        Comparison = comparison;
        SeparatorFree = separatorFree;
        SourceValue = Value(source, sameCharset);
        TargetValue = Value(target, sameCharset);
    }

    public ColumnSchema Source { get; }
    public ColumnSchema Target { get; }
    public string Name => Source.Name;
    public ValueComparison Comparison { get; }
    /// <summary>
    /// True when the value's bytes can never hold 0xFE or 0xFF (numbers, temporal text, UTF-8 text): it is hashed
    /// between 0xFF separators as it is. Other values (binary, single-byte charsets) also hash their length.
    /// </summary>
    public bool SeparatorFree { get; }
    /// <summary>The source-side SQL of a comparable value (NULL stays NULL).</summary>
    public string SourceValue { get; }
    public string TargetValue { get; }

    public static ComparedColumn For(ColumnSchema source, ColumnSchema target)
    {
        var comparison = source.DataType switch
        {
            "float" => ValueComparison.Float,
            "double" or "real" => ValueComparison.Double,
            _ => ValueComparison.Exact,
        };
        var sameCharset = string.Equals(source.Charset, target.Charset, StringComparison.OrdinalIgnoreCase);
        var separatorFree = comparison != ValueComparison.Exact || IsNumericOrTemporal(source.DataType)
            || IsText(source) && (!sameCharset || IsUtf8(source.Charset));
        return new ComparedColumn(source, target, comparison, separatorFree, sameCharset);
    }

    public string ValueOf(Side side) => side == Side.Source ? SourceValue : TargetValue;

    public ColumnSchema SchemaOf(Side side) => side == Side.Source ? Source : Target;

    /// <summary>The column's part of a row's hash input: floats rounded to the compared digits, NULL marked by 0xFE.</summary>
    public string HashElement(Side side)
    {
        var value = ValueOf(side);
        if (Comparison != ValueComparison.Exact)
        {
            // ROUND to the compared significant digits; equal inputs give equal doubles, hence equal text.
            var digits = Comparison == ValueComparison.Float ? FloatDigits : DoubleDigits;
            value = $"IF({value} = 0, 0, ROUND({value}, {digits - 1} - FLOOR(LOG10(ABS({value})))))";
        }
        if (!SeparatorFree) return value; // NULL is skipped by CONCAT_WS; its length marker says so
        return SchemaOf(side).Nullable ? $"IFNULL({value}, CAST(X'FE' AS BINARY))" : value;
    }

    /// <summary>For a column that may hold separator bytes: its length, or 0xFE for NULL, hashed after the values.</summary>
    public string? LengthMarker(Side side) => SeparatorFree ? null : $"IFNULL(LENGTH({ValueOf(side)}), CAST(X'FE' AS BINARY))";

    /// <summary>True when two comparable values read back from the sides are the same under this column's rule.</summary>
    public bool Same(byte[]? source, byte[]? target)
    {
        if (source is null || target is null) return source is null && target is null;
        if (Comparison == ValueComparison.Exact) return source.AsSpan().SequenceEqual(target);
        if (!double.TryParse(System.Text.Encoding.ASCII.GetString(source), NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            || !double.TryParse(System.Text.Encoding.ASCII.GetString(target), NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            return source.AsSpan().SequenceEqual(target);
        return SameToDigits(a, b, Comparison == ValueComparison.Float ? FloatDigits : DoubleDigits);
    }

    /// <summary>Equal to <paramref name="digits"/> significant digits: they differ by at most one unit in the last of them.</summary>
    public static bool SameToDigits(double a, double b, int digits)
    {
        if (a == b) return true;
        var magnitude = Math.Max(Math.Abs(a), Math.Abs(b));
        var unit = Math.Pow(10, Math.Floor(Math.Log10(magnitude)) - digits + 1);
        return Math.Abs(a - b) <= unit;
    }

    private static string Value(ColumnSchema column, bool sameCharset)
    {
        var q = MySqlSyntax.QuoteIdentifier(column.Name);
        return column.DataType switch
        {
            "bit" => $"({q} + 0)",
            "float" or "double" or "real" => $"({q} + 0e0)",
            _ when ColumnTransfer.IsSpatial(column.DataType) => $"CAST({q} AS BINARY)",
            _ when IsText(column) && !sameCharset => $"CONVERT({q} USING utf8mb4)",
            _ => q,
        };
    }

    private static bool IsText(ColumnSchema column) => column.Charset is { Length: > 0 } charset
        && !string.Equals(charset, "binary", StringComparison.OrdinalIgnoreCase) && !ColumnTransfer.IsSpatial(column.DataType);

    private static bool IsUtf8(string? charset) => charset?.ToLowerInvariant() is "utf8" or "utf8mb3" or "utf8mb4" or "ascii";

    private static bool IsNumericOrTemporal(string dataType) => dataType is "tinyint" or "smallint" or "mediumint" or "int" or "integer"
        or "bigint" or "decimal" or "numeric" or "year" or "bit" or "date" or "datetime" or "timestamp" or "time";
}

/// <summary>Which server a query goes to.</summary>
internal enum Side { Source, Target }
