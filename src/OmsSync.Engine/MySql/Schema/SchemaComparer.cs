using System.Text.RegularExpressions;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Compares the table a task expects on the target (<see cref="TargetSchema.For"/>) with the table found there,
/// both read by <see cref="MySqlSchemaReader"/>. Differences that would make rows fail or change are blocking;
/// the others (a wider type, an extra nullable column) are reported and let pass.
/// </summary>
public static partial class SchemaComparer
{
    public static IReadOnlyList<SchemaDifference> Compare(TableSchema expected, TableSchema? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var table = MySqlSyntax.QuoteQualified(expected.Database, expected.Name);
        if (actual is null)
            return [new SchemaDifference(SchemaDifferenceKind.MissingTable, table, null, false,
                $"Table {table} does not exist on the target; schema migration creates it.")];

        var differences = new List<SchemaDifference>();
        void Add(SchemaDifferenceKind kind, string? column, bool blocking, string message) =>
            differences.Add(new SchemaDifference(kind, table, column, blocking, $"Table {table}" + (column is null ? "" : $", column {MySqlSyntax.QuoteIdentifier(column)}") + ": " + message));

        foreach (var want in expected.Columns)
        {
            var have = Find(actual, want.Name);
            if (have is null)
            {
                Add(SchemaDifferenceKind.MissingColumn, want.Name, true,
                    $"missing on the target (expected {want.ColumnType}). Add it ({MySqlDdlWriter.AddColumn(actual.Database, actual.Name, want)}) " +
                    "or drop the target table so that schema migration creates it.");
                continue;
            }
            CompareColumn(want, have, Add);
        }

        foreach (var extra in actual.Columns.Where(c => Find(expected, c.Name) is null))
        {
            var required = !extra.Nullable && extra.DefaultSql is null && !extra.AutoIncrement && !extra.IsGenerated;
            Add(SchemaDifferenceKind.ExtraColumn, extra.Name, required, required
                ? $"exists only on the target and is NOT NULL without a default, so inserting migrated rows would fail. " +
                  $"Give it a default (ALTER TABLE {table} ALTER COLUMN {MySqlSyntax.QuoteIdentifier(extra.Name)} SET DEFAULT ...), make it nullable, or drop it."
                : "exists only on the target; migrated rows leave it at its default.");
        }

        var wantKey = expected.PrimaryKey?.Columns.Select(c => c.Name).ToList();
        var haveKey = actual.PrimaryKey?.Columns.Select(c => c.Name).ToList();
        if (wantKey is not null && (haveKey is null || !wantKey.SequenceEqual(haveKey, StringComparer.OrdinalIgnoreCase)))
        {
            Add(SchemaDifferenceKind.PrimaryKeyMismatch, null, true, haveKey is null
                ? $"has no primary key on the target (expected PRIMARY KEY ({Names(wantKey)})); rows could not be matched. Add the primary key or drop the table."
                : $"has PRIMARY KEY ({Names(haveKey)}) on the target, expected ({Names(wantKey)}); rows would be matched by the wrong key. Change the key or drop the table.");
        }
        return differences;
    }

    /// <summary>Throws a <see cref="SchemaException"/> listing every blocking difference; returns the non-blocking ones.</summary>
    public static IReadOnlyList<SchemaDifference> EnsureCompatible(TableSchema expected, TableSchema? actual)
    {
        var differences = Compare(expected, actual);
        var blocking = differences.Where(d => d.Blocking).Select(d => d.Message).ToList();
        if (blocking.Count > 0) throw new SchemaException(blocking);
        return differences;
    }

    /// <summary>
    /// True when a target column of type <paramref name="have"/> keeps every value of one of type <paramref name="want"/>:
    /// the same type, a wider one, or LONGTEXT for JSON (MariaDB's JSON is a LONGTEXT with a json_valid check).
    /// </summary>
    public static bool Holds(ColumnSchema want, ColumnSchema have)
    {
        var (wantType, haveType) = (NormalizeType(want.ColumnType), NormalizeType(have.ColumnType));
        return wantType == haveType || wantType == "json" && haveType == "longtext" || CanHold(wantType, haveType);
    }

    private static ColumnSchema? Find(TableSchema table, string name) =>
        table.Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    private static void CompareColumn(ColumnSchema want, ColumnSchema have, Action<SchemaDifferenceKind, string?, bool, string> add)
    {
        var wantType = NormalizeType(want.ColumnType);
        var haveType = NormalizeType(have.ColumnType);
        if (wantType != haveType)
        {
            if (CanHold(wantType, haveType))
                add(SchemaDifferenceKind.TypeMismatch, want.Name, false, $"is {have.ColumnType} on the target, {want.ColumnType} on the source; the target type holds every source value.");
            else
                add(SchemaDifferenceKind.TypeMismatch, want.Name, true,
                    $"is {have.ColumnType} on the target but {want.ColumnType} on the source; values could be rejected or changed. " +
                    $"Change the target column (ALTER TABLE ... MODIFY COLUMN {MySqlDdlWriter.ColumnDefinition(want)}) or drop the target table.");
        }
        if (want.Nullable && !have.Nullable && !have.IsGenerated)
            add(SchemaDifferenceKind.NullabilityMismatch, want.Name, true,
                "is NOT NULL on the target but nullable on the source; rows holding NULL would fail. Make the target column nullable.");
        if (have.IsGenerated && !want.IsGenerated)
            add(SchemaDifferenceKind.GeneratedMismatch, want.Name, true,
                "is a generated column on the target but an ordinary one on the source; its values cannot be written. Make it an ordinary column.");
        else if (want.IsGenerated && !have.IsGenerated)
            add(SchemaDifferenceKind.GeneratedMismatch, want.Name, false,
                "is generated on the source but an ordinary column on the target; the target keeps its own values.");
        if (want.Charset is { } wantCharset && have.Charset is { } haveCharset && !string.Equals(Charset(wantCharset), Charset(haveCharset), StringComparison.OrdinalIgnoreCase))
        {
            var lossy = !string.Equals(Charset(haveCharset), "utf8mb4", StringComparison.OrdinalIgnoreCase);
            add(SchemaDifferenceKind.CharsetMismatch, want.Name, lossy, lossy
                ? $"has character set {haveCharset} on the target but {wantCharset} on the source; characters could be lost. Convert the target column to {wantCharset} or utf8mb4."
                : $"has character set {haveCharset} on the target, {wantCharset} on the source; utf8mb4 holds every character.");
        }
    }

    private static string Charset(string charset) => charset.Equals("utf8", StringComparison.OrdinalIgnoreCase) ? "utf8mb3" : charset;

    /// <summary>Lower case, without integer display widths (MySQL 8 drops them, MariaDB keeps them) and extra spaces.</summary>
    internal static string NormalizeType(string columnType)
    {
        var t = Regex.Replace(columnType.Trim().ToLowerInvariant(), @"\s+", " ");
        t = IntegerWidth().Replace(t, "$1");
        return t.Replace(" zerofill", "");
    }

    private static readonly string[] IntegerRank = ["tinyint", "smallint", "mediumint", "int", "bigint"];
    private static readonly string[] TextRank = ["tinytext", "text", "mediumtext", "longtext"];
    private static readonly string[] BlobRank = ["tinyblob", "blob", "mediumblob", "longblob"];

    /// <summary>True when every value of <paramref name="source"/> fits <paramref name="target"/> unchanged.</summary>
    internal static bool CanHold(string source, string target)
    {
        var s = TypeParts().Match(source);
        var t = TypeParts().Match(target);
        if (!s.Success || !t.Success) return false;
        var (sBase, tBase) = (s.Groups["base"].Value, t.Groups["base"].Value);
        var (sArgs, tArgs) = (Args(s), Args(t));
        var sUnsigned = s.Groups["rest"].Value.Contains("unsigned");
        var tUnsigned = t.Groups["rest"].Value.Contains("unsigned");

        var si = Array.IndexOf(IntegerRank, sBase);
        var ti = Array.IndexOf(IntegerRank, tBase);
        if (si >= 0 && ti >= 0)
            return sUnsigned == tUnsigned ? ti >= si : !tUnsigned && sUnsigned && ti > si;
        if (sBase is "char" or "varchar" && tBase is "char" or "varchar" && sArgs.Length == 1 && tArgs.Length == 1)
            return tArgs[0] >= sArgs[0] && (sBase == tBase || tBase == "varchar");
        if (sBase is "char" or "varchar" && Array.IndexOf(TextRank, tBase) >= 0)
            return sArgs.Length == 1 && sArgs[0] <= MaxChars(tBase);
        if (Array.IndexOf(TextRank, sBase) >= 0 && Array.IndexOf(TextRank, tBase) >= 0)
            return Array.IndexOf(TextRank, tBase) >= Array.IndexOf(TextRank, sBase);
        if (sBase is "binary" or "varbinary" && tBase == "varbinary" && sArgs.Length == 1 && tArgs.Length == 1)
            return tArgs[0] >= sArgs[0] && (sBase == tBase || tBase == "varbinary");
        if (Array.IndexOf(BlobRank, sBase) >= 0 && Array.IndexOf(BlobRank, tBase) >= 0)
            return Array.IndexOf(BlobRank, tBase) >= Array.IndexOf(BlobRank, sBase);
        if (sBase == "decimal" && tBase == "decimal" && sArgs.Length == 2 && tArgs.Length == 2)
            return tArgs[1] >= sArgs[1] && tArgs[0] - tArgs[1] >= sArgs[0] - sArgs[1] && (sUnsigned || !tUnsigned);
        if (sBase == "float" && tBase == "double" && sArgs.Length == 0 && tArgs.Length == 0)
            return sUnsigned || !tUnsigned;
        if (sBase == tBase && sBase is "datetime" or "timestamp" or "time")
            return (tArgs.Length == 0 ? 0 : tArgs[0]) >= (sArgs.Length == 0 ? 0 : sArgs[0]);
        if (sBase == tBase && sBase == "bit" && sArgs.Length == 1 && tArgs.Length == 1)
            return tArgs[0] >= sArgs[0];
        return false;
    }

    private static long MaxChars(string textType) => textType switch
    {
        "tinytext" => 63, // 255 bytes, 4 bytes per character at worst
        "text" => 16383,
        "mediumtext" => 4194303,
        _ => long.MaxValue,
    };

    private static long[] Args(Match m) =>
        m.Groups["args"].Success && m.Groups["args"].Value.All(c => char.IsAsciiDigit(c) || c is ',' or ' ')
            ? m.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray()
            : [];

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(MySqlSyntax.QuoteIdentifier));

    [GeneratedRegex(@"\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)")]
    private static partial Regex IntegerWidth();

    [GeneratedRegex(@"^(?<base>[a-z0-9_ ]+?)(\((?<args>[^)]*)\))?(?<rest>( unsigned| zerofill| signed)*)$")]
    private static partial Regex TypeParts();
}
