using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// What SHOW CREATE TABLE says of a system-versioned table that information_schema does not: whether it declares its
/// period (PERIOD FOR SYSTEM_TIME (start, end)) and which columns it keeps out of versioning (WITHOUT SYSTEM VERSIONING).
/// Read from tokens, so names and comments that hold those words are not mistaken for them.
/// </summary>
public static class SystemVersioningText
{
    /// <summary>The declared period's columns, or null when the period is implicit.</summary>
    public static (string RowStart, string RowEnd)? Period(string createTable)
    {
        var tokens = Significant(createTable);
        for (var i = 0; i + 7 < tokens.Count; i++)
        {
            if (!tokens[i].IsWord("PERIOD") || !tokens[i + 1].IsWord("FOR") || !tokens[i + 2].IsWord("SYSTEM_TIME") || !tokens[i + 3].IsSymbol("(")) continue;
            if (tokens[i + 4].IsIdentifier && tokens[i + 5].IsSymbol(",") && tokens[i + 6].IsIdentifier && tokens[i + 7].IsSymbol(")"))
                return (tokens[i + 4].IdentifierValue, tokens[i + 6].IdentifierValue);
        }
        return null;
    }

    /// <summary>The columns declared WITHOUT SYSTEM VERSIONING.</summary>
    public static IReadOnlySet<string> ColumnsWithoutVersioning(string createTable)
    {
        var tokens = Significant(createTable);
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var depth = 0;
        string? column = null;
        var expectColumn = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsSymbol("("))
            {
                depth++;
                if (depth == 1) expectColumn = true;
                continue;
            }
            if (t.IsSymbol(")")) { depth--; continue; }
            if (depth != 1) continue;
            if (t.IsSymbol(",")) { expectColumn = true; column = null; continue; }
            if (expectColumn)
            {
                column = t.Kind == MySqlTokenKind.QuotedIdentifier ? t.IdentifierValue : null;
                expectColumn = false;
                continue;
            }
            if (column is not null && t.IsWord("WITHOUT") && i + 2 < tokens.Count && tokens[i + 1].IsWord("SYSTEM") && tokens[i + 2].IsWord("VERSIONING"))
                found.Add(column);
        }
        return found;
    }

    /// <summary>True for partitioning by SYSTEM_TIME, which only a versioned table takes.</summary>
    public static bool PartitionsBySystemTime(string? extraOptions)
    {
        if (extraOptions is null) return false;
        var tokens = Significant(extraOptions);
        for (var i = 0; i + 2 < tokens.Count; i++)
            if (tokens[i].IsWord("PARTITION") && tokens[i + 1].IsWord("BY") && tokens[i + 2].IsWord("SYSTEM_TIME")) return true;
        return false;
    }

    /// <summary>The table options without their partitioning clause (what precedes PARTITION BY).</summary>
    public static string? WithoutPartitioning(string? extraOptions)
    {
        if (extraOptions is null) return null;
        var tokens = MySqlTokenizer.Tokenize(extraOptions);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].IsWord("PARTITION")) continue;
            var next = MySqlTokenizer.NextSignificant(tokens, i + 1);
            if (next >= 0 && tokens[next].IsWord("BY"))
            {
                var rest = extraOptions[..tokens[i].Offset].Trim();
                return rest.Length == 0 ? null : rest;
            }
        }
        return extraOptions;
    }

    /// <summary>The implicit period columns as the binlog carries them, after the table's declared columns.</summary>
    public static IReadOnlyList<ColumnSchema> ImplicitColumns(int lastOrdinal) =>
    [
        PeriodColumn(SystemVersioning.ImplicitRowStart, lastOrdinal + 1, invisible: true),
        PeriodColumn(SystemVersioning.ImplicitRowEnd, lastOrdinal + 2, invisible: true),
    ];

    /// <summary>A period column as an ordinary TIMESTAMP(6) column: what it is to every reader and writer of rows.</summary>
    public static ColumnSchema PeriodColumn(string name, int ordinal, bool invisible, string columnType = "timestamp(6)", string? comment = null) => new()
    {
        Comment = comment,
        Name = name,
        Ordinal = ordinal,
        DataType = columnType.StartsWith("bigint", StringComparison.OrdinalIgnoreCase) ? "bigint" : "timestamp",
        ColumnType = columnType,
        Nullable = false,
        Invisible = invisible,
    };

    private static List<MySqlToken> Significant(string sql) => MySqlTokenizer.Tokenize(sql).Where(t => !t.IsTrivia).ToList();
}
