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
    /// <param name="problems">Receives what refuses the table (a column or key that cannot be carried).</param>
    /// <param name="warnings">Receives what is left behind without refusing it (a domain's CHECK not translated, an index on a JSON column).</param>
    public static TableSchema Map(TableSchema pg, DataSourceKind target, List<string> problems, List<string>? warnings = null)
    {
        var textLimits = IndexedTextLimits(pg);
        var columns = new List<ColumnSchema>();
        var checks = new List<CheckConstraint>();
        foreach (var column in pg.Columns)
        {
            var where = $"Table {PostgresSyntax.QuoteQualified(pg.Database, pg.Name)}, column {PostgresSyntax.QuoteIdentifier(column.Name)}";
            // A generated column whose expression translates is computed by MySQL too (STORED, and nullable: MariaDB takes no
            // NOT NULL on one); any other becomes a plain one of its type's counterpart, holding the values the source
            // computed (the pre-check says which: GeneratedColumns).
            if (MySqlType(column, target, textLimits.TryGetValue(column.Name, out var limit) ? limit : null) is not { } type)
            {
                problems.Add($"{where}: type {column.ColumnType} has no MySQL counterpart in OmsSync's type map. Leave the column out with -Column, or exclude the table.");
                continue;
            }
            var text = type.DataType is "char" or "varchar" or "longtext" or "enum";
            columns.Add(new ColumnSchema
            {
                Name = column.Name,
                Ordinal = column.Ordinal,
                DataType = type.DataType,
                ColumnType = type.ColumnType,
                Nullable = column.Nullable || column.TargetGeneration is not null,
                GenerationExpression = column.TargetGeneration,
                GeneratedStored = column.TargetGeneration is not null,
                // MySQL requires an AUTO_INCREMENT column to lead an index.
                AutoIncrement = column.AutoIncrement && pg.Indexes.Any(i => i.Columns[0].Name == column.Name),
                DefaultSql = column.AutoIncrement || column.TargetGeneration is not null ? null : Default(column.DefaultSql, type.DataType, type.ColumnType),
                Charset = text ? Charset : null,
                Collation = text ? Collation : null,
                Comment = column.Comment,
            });
            if (DomainChecks(pg, column, where, warnings) is { } check) checks.Add(check);
        }
        var kept = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var indexes = new List<IndexSchema>();
        foreach (var index in pg.Indexes.Where(i => i.Columns.All(c => kept.ContainsKey(c.Name))))
        {
            // MySQL indexes no JSON column (MariaDB's JSON is LONGTEXT, indexed only by a prefix).
            var json = index.Columns.Select(c => kept[c.Name]).Where(c => c.DataType == "json").Select(c => c.Name).ToList();
            if (json.Count > 0)
            {
                var what = $"Table {PostgresSyntax.QuoteQualified(pg.Database, pg.Name)}: index {PostgresSyntax.QuoteIdentifier(index.Name)} holds " +
                           $"{string.Join(", ", json.Select(PostgresSyntax.QuoteIdentifier))}, carried as JSON, which MySQL does not index";
                if (index == pg.RowKey) problems.Add(what + "; rows are matched by that key. Give the table a key without it, or exclude the table.");
                else warnings?.Add(what + ": the index is not created.");
                continue;
            }
            indexes.Add(new IndexSchema { Name = index.Kind == IndexKind.Primary ? "PRIMARY" : Shorten(index.Name), Kind = index.Kind, Columns = index.Columns, Comment = index.Comment });
        }
        return new TableSchema
        {
            Database = pg.Database,
            Name = pg.Name,
            Columns = columns,
            Indexes = indexes,
            Checks = checks,
            ForeignKeys = pg.ForeignKeys.Where(f => f.Columns.All(kept.ContainsKey)).ToList(),
            Engine = "InnoDB",
            Charset = Charset,
            Collation = Collation,
            Comment = pg.Comment,
        };
    }

    /// <summary>
    /// The column's domain constraints that translate (<see cref="DomainCheck"/>), as one CHECK on the MySQL column; each
    /// that does not is named in the warnings.
    /// </summary>
    private static CheckConstraint? DomainChecks(TableSchema pg, ColumnSchema column, string where, List<string>? warnings)
    {
        var translated = new List<string>();
        foreach (var check in pg.Checks.Where(c => c.Column == column.Name))
        {
            if (DomainCheck.ToMySql(check.Expression, column, out var reason) is { } condition) translated.Add(condition);
            else warnings?.Add($"{where}: the domain constraint {check.Name} ({check.Expression}) is not carried to MySQL: {reason}. " +
                               "PostgreSQL keeps enforcing it; add an equivalent CHECK on the target yourself if MySQL should too.");
        }
        return translated.Count == 0 ? null : new CheckConstraint(pg.Checks.First(c => c.Column == column.Name).Name, string.Join(" AND ", translated), column.Name);
    }

    /// <summary>True for a PostgreSQL column without a MySQL counterpart, carried as its text or (arrays, hstore) as JSON.</summary>
    public static bool Carried(ColumnSchema column) => column.DataType is "array" or "hstore"
        || column.DataType is not ("text" or "character varying" or "character") && MySqlType(column, DataSourceKind.MariaDb, null)?.DataType == "longtext";

    /// <summary>True for a column whose values become MySQL text (char, varchar, longtext), as every type without a counterpart does.</summary>
    private static bool IsText(ColumnSchema column) => MySqlType(column, DataSourceKind.MariaDb, null)?.DataType is "char" or "varchar" or "longtext";

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

    /// <summary>
    /// (DATA_TYPE, COLUMN_TYPE) on a MySQL-family server, or null when the type is refused (numeric beyond DECIMAL's
    /// precision). Arrays and hstore become JSON; every type without a counterpart (tsvector, xml, ranges, composite
    /// types, inet, interval, money, time with time zone, wide bit strings, geometric types, and any other) is carried as
    /// its exact PostgreSQL text, as text is.
    /// </summary>
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
            "array" or "hstore" => Same("json"),
            "numeric" => null,
            // Each value keeps its SRID; Z and M types have no counterpart.
            "geometry" => SpatialTypes.MySqlType(column.ColumnType) is { } spatial ? Same(spatial) : null,
            _ => indexLimit is { } carried ? ("varchar", $"varchar({carried})") : Same("longtext"),
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
