using System.Text.RegularExpressions;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// The MySQL-family table a PostgreSQL table becomes: each column's type by the documented map (README,
/// "PostgreSQL to MySQL"), identity and serial columns as AUTO_INCREMENT, literal defaults, primary and unique keys
/// and ordinary B-tree indexes. Text is utf8mb4 with the binary collation, so keys that differ only in case stay
/// distinct as they are in PostgreSQL. The result describes columns MySQL's way, ready for <see cref="MySqlDdlWriter"/>
/// and <see cref="SchemaComparer"/>. What cannot be carried over is listed as problems.
/// </summary>
public static partial class PostgresToMySql
{
    public const string Charset = "utf8mb4";
    public const string Collation = "utf8mb4_bin";

    /// <summary>InnoDB's longest index key, in bytes; utf8mb4 text takes up to 4 bytes a character.</summary>
    public const int MaxKeyBytes = 3072;

    /// <param name="pg">The table as read by <see cref="PostgresSchemaReader"/>, under its target name.</param>
    public static TableSchema Map(TableSchema pg, DataSourceKind target, List<string> problems)
    {
        var textLimits = IndexedTextLimits(pg);
        var columns = new List<ColumnSchema>();
        foreach (var column in pg.Columns)
        {
            var where = $"Table {PostgresSyntax.QuoteQualified(pg.Database, pg.Name)}, column {PostgresSyntax.QuoteIdentifier(column.Name)}";
            // A generated column becomes a plain one of its type's counterpart, holding the values the source computed
            // (the pre-check says so: GeneratedColumns); MySQL would compute PostgreSQL's expression differently, if at all.
            if (MySqlType(column, target, textLimits.TryGetValue(column.Name, out var limit) ? limit : null) is not { } type)
            {
                problems.Add($"{where}: type {column.ColumnType} " + (column.DataType == "array"
                    ? "is an array; arrays are not migrated to MySQL. Leave the column out with -Column, or exclude the table."
                    : "has no MySQL counterpart in OmsSync's type map. Leave the column out with -Column, or exclude the table."));
                continue;
            }
            var text = type.DataType is "char" or "varchar" or "longtext" or "enum";
            columns.Add(new ColumnSchema
            {
                Name = column.Name,
                Ordinal = column.Ordinal,
                DataType = type.DataType,
                ColumnType = type.ColumnType,
                Nullable = column.Nullable,
                // MySQL requires an AUTO_INCREMENT column to lead an index.
                AutoIncrement = column.AutoIncrement && pg.Indexes.Any(i => i.Columns[0].Name == column.Name),
                DefaultSql = column.AutoIncrement ? null : Default(column.DefaultSql, type.DataType, type.ColumnType),
                Charset = text ? Charset : null,
                Collation = text ? Collation : null,
                Comment = column.Comment,
            });
        }
        var kept = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return new TableSchema
        {
            Database = pg.Database,
            Name = pg.Name,
            Columns = columns,
            Indexes = pg.Indexes.Where(i => i.Columns.All(c => kept.Contains(c.Name)))
                .Select(i => new IndexSchema { Name = i.Kind == IndexKind.Primary ? "PRIMARY" : Shorten(i.Name), Kind = i.Kind, Columns = i.Columns, Comment = i.Comment })
                .ToList(),
            ForeignKeys = pg.ForeignKeys.Where(f => f.Columns.All(kept.Contains)).ToList(),
            Engine = "InnoDB",
            Charset = Charset,
            Collation = Collation,
            Comment = pg.Comment,
        };
    }

    private static bool IsText(ColumnSchema column) => column.DataType is "text" or "character varying" or "character";

    /// <summary>
    /// For each text column in an index, the most characters it may have on MySQL: the text columns of an index share
    /// its 3072 bytes (other columns counted at 8 bytes), four bytes a character; the tightest index counts.
    /// </summary>
    private static Dictionary<string, int> IndexedTextLimits(TableSchema pg)
    {
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var index in pg.Indexes)
        {
            var columns = index.Columns.Select(c => pg.Columns.FirstOrDefault(x => x.Name == c.Name)).OfType<ColumnSchema>().ToList();
            var texts = columns.Where(IsText).ToList();
            if (texts.Count == 0) continue;
            var share = (MaxKeyBytes - 8 * (columns.Count - texts.Count)) / 4 / texts.Count;
            foreach (var text in texts)
                limits[text.Name] = Math.Min(limits.GetValueOrDefault(text.Name, int.MaxValue), share);
        }
        return limits;
    }

    /// <summary>(DATA_TYPE, COLUMN_TYPE) on a MySQL-family server, or null when the type is not mapped.</summary>
    /// <param name="indexLimit">For text in an index, the most characters MySQL can index (<see cref="IndexedTextLimits"/>).</param>
    public static (string DataType, string ColumnType)? MySqlType(ColumnSchema column, DataSourceKind target, int? indexLimit)
    {
        var (length, scale) = MySqlToPostgres.Modifiers(column.ColumnType);
        static (string, string) Same(string type) => (type, type);
        return column.DataType switch
        {
            "smallint" => Same("smallint"),
            "integer" => Same("int"),
            "bigint" => Same("bigint"),
            // Unconstrained numeric holds what DECIMAL(65,30) holds; values beyond it are refused when read.
            "numeric" when length is null => ("decimal", "decimal(65,30)"),
            "numeric" when length <= 65 && (scale ?? 0) <= 30 => ("decimal", $"decimal({length},{scale ?? 0})"),
            "real" => Same("float"),
            "double precision" => Same("double"),
            "boolean" => ("tinyint", "tinyint(1)"),
            "character" when length <= Math.Min(255, indexLimit ?? 255) => ("char", $"char({length})"),
            "character" or "character varying" when length <= (indexLimit ?? 16383) => ("varchar", $"varchar({length})"),
            // Longer text that is part of an index is cut to what MySQL can index; longer values are refused when read.
            "character varying" or "text" or "character" => indexLimit is { } limit ? ("varchar", $"varchar({limit})") : Same("longtext"),
            "bytea" => Same("longblob"),
            "date" => Same("date"),
            "time without time zone" => ("time", $"time({length ?? 6})"),
            "timestamp without time zone" or "timestamp with time zone" => ("datetime", $"datetime({length ?? 6})"),
            "json" or "jsonb" => Same("json"),
            "uuid" => target == DataSourceKind.MariaDb ? Same("uuid") : ("char", "char(36)"),
            "bit" or "bit varying" when length is > 0 and <= 64 => ("bit", $"bit({length})"),
            "enum" => ("enum", column.ColumnType),
            _ => null,
        };
    }

    /// <summary>MySQL index names are per table and at most 64 characters.</summary>
    private static string Shorten(string name) => name.Length <= 64 ? name : name[..55] + "_" + Convert.ToHexString(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8].ToLowerInvariant();

    /// <summary>
    /// A PostgreSQL default as a MySQL default: literals ('x'::type, numbers, true/false) and the current time carry
    /// over; other expressions (sequences aside, which become AUTO_INCREMENT) do not.
    /// </summary>
    public static string? Default(string? expression, string dataType, string columnType)
    {
        if (expression is null) return null;
        var text = expression.Trim();
        if (text is "CURRENT_TIMESTAMP" or "now()" or "LOCALTIMESTAMP" or "statement_timestamp()" or "transaction_timestamp()")
            return dataType == "datetime" ? $"CURRENT_TIMESTAMP({MySqlToPostgres.Modifiers(columnType).Length ?? 0})" : null;
        if (text is "true" or "false")
            return dataType == "tinyint" ? (text == "true" ? "1" : "0") : null;
        var match = LiteralPattern().Match(text);
        if (!match.Success) return null;
        var value = match.Groups["string"].Success ? match.Groups["string"].Value.Replace("''", "'") : match.Groups["number"].Value;
        if (dataType is "longblob" or "bit" or "json") return null;
        if (value == "-infinity" && dataType is "date" or "datetime") value = dataType == "date" ? "0000-00-00" : "0000-00-00 00:00:00";
        return match.Groups["number"].Success && dataType is not ("char" or "varchar" or "longtext" or "enum")
            ? value
            : MySqlSyntax.QuoteString(value);
    }

    // 'text', 'text'::type, 42, -1.5, (-1), '42'::integer
    [GeneratedRegex(@"^\(?\s*(?:'(?<string>(?:[^']|'')*)'|(?<number>[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))\s*\)?(?:::[\w\s""().]+)?$")]
    private static partial Regex LiteralPattern();
}
