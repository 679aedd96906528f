using System.Text.RegularExpressions;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>How a server reports information_schema.COLUMNS.COLUMN_DEFAULT.</summary>
public enum DefaultReporting
{
    /// <summary>MySQL, TiDB, OceanBase, MariaDB before 10.2.7: the raw value ('it''s' reads it's); expressions flagged DEFAULT_GENERATED in EXTRA.</summary>
    RawValue,
    /// <summary>MariaDB 10.2.7 and later: an SQL expression (quoted literal, NULL, number, current_timestamp(), (expr)).</summary>
    SqlExpression,
}

/// <summary>Turns what information_schema reports as a column default into SQL that can follow DEFAULT on any MySQL-family server.</summary>
public static partial class ColumnDefaults
{
    private static readonly HashSet<string> NumericTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "year",
    };

    /// <summary>
    /// The default as SQL ready to write after DEFAULT (a quoted literal, a number, NULL, CURRENT_TIMESTAMP(n),
    /// b'..' or a parenthesised expression), or null when the column has no default.
    /// </summary>
    public static string? Normalize(string? reported, string? extra, string dataType, bool nullable,
        bool generated, bool autoIncrement, DefaultReporting reporting)
    {
        if (generated || autoIncrement) return null;
        extra ??= "";
        if (reporting == DefaultReporting.SqlExpression)
        {
            if (reported is null) return null;
            var text = reported.Trim();
            if (text.Equals("NULL", StringComparison.OrdinalIgnoreCase)) return nullable ? "NULL" : null;
            if (IsLiteral(text) || IsCurrentTimestamp(text)) return text;
            return MySqlSyntax.Parenthesize(text);
        }

        if (reported is null) return nullable ? "NULL" : null;
        if (extra.Contains("DEFAULT_GENERATED", StringComparison.OrdinalIgnoreCase) || IsTemporal(dataType) && IsCurrentTimestamp(reported))
        {
            return IsCurrentTimestamp(reported) ? reported.Trim() : MySqlSyntax.Parenthesize(reported);
        }
        if (dataType.Equals("bit", StringComparison.OrdinalIgnoreCase))
        {
            return reported.StartsWith("b'", StringComparison.OrdinalIgnoreCase) ? reported : BitLiteral(reported);
        }
        if (NumericTypes.Contains(dataType) && NumberPattern().IsMatch(reported)) return reported;
        return MySqlSyntax.QuoteString(reported);
    }

    /// <summary>CURRENT_TIMESTAMP, current_timestamp(6), NOW(), LOCALTIME, LOCALTIMESTAMP(3): allowed bare after DEFAULT and ON UPDATE.</summary>
    public static bool IsCurrentTimestamp(string text) => CurrentTimestampPattern().IsMatch(text.Trim());

    private static bool IsTemporal(string dataType) =>
        dataType.Equals("timestamp", StringComparison.OrdinalIgnoreCase) || dataType.Equals("datetime", StringComparison.OrdinalIgnoreCase);

    /// <summary>One string literal (optionally with a charset introducer), a number or a b''/x'' literal.</summary>
    private static bool IsLiteral(string text)
    {
        if (NumberPattern().IsMatch(text)) return true;
        var tokens = MySqlTokenizer.Tokenize(text);
        var significant = tokens.Where(t => !t.IsTrivia).ToList();
        return significant.Count switch
        {
            1 => significant[0].Kind == MySqlTokenKind.String || significant[0].Kind == MySqlTokenKind.Number && !significant[0].Text.Contains('.') && significant[0].Text.StartsWith("0x", StringComparison.OrdinalIgnoreCase),
            2 => significant[1].Kind == MySqlTokenKind.String && significant[0].Kind == MySqlTokenKind.Word
                 && (significant[0].Text.StartsWith('_') || significant[0].Text is "b" or "B" or "x" or "X" or "n" or "N"),
            _ => false,
        };
    }

    private static string BitLiteral(string reported)
    {
        // Older servers report a BIT default as the raw bytes.
        ulong value = 0;
        foreach (var c in reported) value = (value << 8) | (byte)c;
        return "b'" + Convert.ToString((long)value, 2) + "'";
    }

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^(current_timestamp|now|localtime|localtimestamp)(\s*\(\s*\d*\s*\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex CurrentTimestampPattern();
}
