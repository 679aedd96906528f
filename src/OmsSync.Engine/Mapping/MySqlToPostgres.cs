using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// The PostgreSQL table a MySQL-family table becomes: each column's type by the documented map (README, "MySQL to
/// PostgreSQL"), AUTO_INCREMENT as an identity column, literal defaults, primary and unique keys and ordinary
/// indexes. The result describes columns PostgreSQL's way (see <see cref="PostgresSchemaReader"/>) so it compares
/// directly with a table read from the target. What cannot be carried over is listed as problems, naming table,
/// column and type, before anything is created. Spatial columns become PostGIS geometry where the target database has
/// the postgis extension, and bytea holding EWKB where it has not.
/// </summary>
public static partial class MySqlToPostgres
{
    /// <param name="mysql">The table as the task expects it on the target (renamed, column subset applied), MySQL's way.</param>
    /// <param name="problems">Receives one message per column that cannot be migrated.</param>
    /// <param name="postGis">Whether the target database has the postgis extension (geometry columns) or not (bytea).</param>
    public static TableSchema Map(TableSchema mysql, List<string> problems, bool postGis)
    {
        var where = $"Table {MySqlSyntax.QuoteQualified(mysql.Database, mysql.Name)}";
        foreach (var name in new[] { mysql.Database, mysql.Name }.Concat(mysql.Columns.Select(c => c.Name)).Where(n => !PostgresSyntax.FitsIdentifier(n)))
            problems.Add($"{where}: the name '{name}' is longer than PostgreSQL's 63 bytes. Give it a shorter name with -Rename (tables, databases) or leave the column out with -Column.");
        var columns = new List<ColumnSchema>();
        foreach (var column in mysql.Columns)
        {
            var mapped = MapColumn(mysql, column, problems, postGis);
            if (mapped is not null) columns.Add(mapped);
        }
        var kept = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var indexes = mysql.Indexes
            .Where(i => i.Kind is IndexKind.Primary or IndexKind.Unique or IndexKind.Secondary && i.Columns.All(c => kept.Contains(c.Name)))
            .Select(i => new IndexSchema
            {
                Name = i.Kind == IndexKind.Primary ? PostgresSyntax.DerivedName(mysql.Name, "pkey") : PostgresSyntax.DerivedName(mysql.Name, i.Name),
                Kind = i.Kind,
                // PostgreSQL has no prefix indexes: the whole column is indexed (a unique prefix is stricter, so no source row breaks it).
                Columns = i.Columns.Select(c => new IndexColumn(c.Name, null, c.Descending)).ToList(),
                Comment = i.Comment,
            }).ToList();
        return new TableSchema
        {
            Database = mysql.Database,
            Name = mysql.Name,
            Columns = columns,
            Indexes = indexes,
            ForeignKeys = mysql.ForeignKeys.Where(f => f.Columns.All(kept.Contains)).ToList(),
            Comment = mysql.Comment,
            AutoIncrement = mysql.AutoIncrement,
        };
    }

    private static ColumnSchema? MapColumn(TableSchema table, ColumnSchema column, List<string> problems, bool postGis)
    {
        var where = $"Table {MySqlSyntax.QuoteQualified(table.Database, table.Name)}, column {MySqlSyntax.QuoteIdentifier(column.Name)}";
        // A generated column (VIRTUAL or STORED) whose expression translates is computed by PostgreSQL too, STORED; any other
        // becomes a plain one of its type's counterpart, holding the values the source computed (the pre-check says which: GeneratedColumns).
        var type = PostgresType(table, column, postGis);
        if (type is null)
        {
            problems.Add($"{where}: type {column.ColumnType} has no PostgreSQL counterpart in OmsSync's type map. Leave the column out with -Column, or exclude the table.");
            return null;
        }
        var (dataType, columnType) = type.Value;
        return new ColumnSchema
        {
            Name = column.Name,
            Ordinal = column.Ordinal,
            DataType = dataType,
            ColumnType = columnType,
            Nullable = column.Nullable,
            AutoIncrement = column.AutoIncrement,
            DefaultSql = column.AutoIncrement || column.TargetGeneration is not null ? null : Default(column, dataType),
            GenerationExpression = column.TargetGeneration,
            GeneratedStored = column.TargetGeneration is not null,
            Comment = column.Comment,
        };
    }

    /// <summary>(data type, full type) on PostgreSQL, or null when the type is not mapped.</summary>
    /// <param name="postGis">Whether the target database has the postgis extension: spatial columns are geometry there, bytea (EWKB) elsewhere.</param>
    public static (string DataType, string ColumnType)? PostgresType(TableSchema table, ColumnSchema column, bool postGis)
    {
        var (length, scale) = Modifiers(column.ColumnType);
        static (string, string) Same(string type) => (type, type);
        return column.DataType switch
        {
            "tinyint" => Same("smallint"),
            "smallint" => Same(column.Unsigned ? "integer" : "smallint"),
            "mediumint" => Same("integer"),
            "int" or "integer" => Same(column.Unsigned ? "bigint" : "integer"),
            // An unsigned BIGINT counter stays bigint: identity columns are integers, and 2^63 ids are not reached.
            "bigint" => column.Unsigned && !column.AutoIncrement ? ("numeric", "numeric(20,0)") : Same("bigint"),
            "decimal" or "numeric" => ("numeric", $"numeric({length ?? 10},{scale ?? 0})"),
            "float" => Same("real"),
            "double" or "real" => Same("double precision"),
            "bit" => ("bit varying", $"bit varying({length ?? 1})"),
            _ when IsBinary(column) => Same("bytea"),
            "char" => ("character", $"character({length ?? 1})"),
            "varchar" => ("character varying", $"character varying({length})"),
            "longtext" when IsMariaDbJson(table, column) => Same("jsonb"),
            "tinytext" or "text" or "mediumtext" or "longtext" => Same("text"),
            "json" => Same("jsonb"),
            "enum" => ("enum", column.ColumnType),
            // The members in the SET's order; PostgreSQL's catalog calls every array type "array".
            "set" => ("array", "text[]"),
            "date" => Same("date"),
            "datetime" => ("timestamp without time zone", $"timestamp({length ?? 0}) without time zone"),
            "timestamp" => ("timestamp with time zone", $"timestamp({length ?? 0}) with time zone"),
            "time" => ("time without time zone", $"time({length ?? 0}) without time zone"),
            "year" => Same("smallint"),
            "uuid" => Same("uuid"),
            "inet4" or "inet6" => Same("inet"),
            _ when SpatialTypes.IsSpatial(column) => postGis ? ("geometry", SpatialTypes.PostGisType(column)) : Same("bytea"),
            _ => null,
        };
    }

    /// <summary>Binary strings: BINARY, VARBINARY, the BLOBs, and character columns in the binary charset.</summary>
    public static bool IsBinary(ColumnSchema column) =>
        column.DataType is "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob"
        || string.Equals(column.Charset, "binary", StringComparison.OrdinalIgnoreCase) && column.DataType is "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext";

    /// <summary>MariaDB's JSON is LONGTEXT with a json_valid check on the column.</summary>
    public static bool IsMariaDbJson(TableSchema table, ColumnSchema column) =>
        table.Checks.Any(c => string.Equals(c.Column, column.Name, StringComparison.OrdinalIgnoreCase)
                              && c.Expression.Replace(" ", "").StartsWith("json_valid(", StringComparison.OrdinalIgnoreCase));

    /// <summary>The numbers in a type's parentheses: varchar(20) gives (20, null), decimal(10,2) gives (10, 2).</summary>
    public static (int? Length, int? Scale) Modifiers(string columnType)
    {
        var match = ModifierPattern().Match(columnType);
        if (!match.Success) return (null, null);
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null);
    }

    [GeneratedRegex(@"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)")]
    private static partial Regex ModifierPattern();

    /// <summary>
    /// A MySQL default as a PostgreSQL default: numbers, string literals, bit literals and CURRENT_TIMESTAMP carry
    /// over (a zero date becomes '-infinity', as its values do); expression defaults and ON UPDATE do not.
    /// </summary>
    public static string? Default(ColumnSchema column, string pgDataType)
    {
        var text = column.DefaultSql?.Trim();
        if (text is null || text.Equals("NULL", StringComparison.OrdinalIgnoreCase)) return null;
        if (ColumnDefaults.IsCurrentTimestamp(text))
            return pgDataType is "timestamp without time zone" ? "LOCALTIMESTAMP" : pgDataType is "timestamp with time zone" ? "CURRENT_TIMESTAMP" : null;
        if (NumberPattern().IsMatch(text))
            return pgDataType is "bit varying" ? null : text;
        if (text.StartsWith("b'", StringComparison.OrdinalIgnoreCase) && text.EndsWith('\''))
            return pgDataType is "bit varying" ? "B" + text[1..] : null;
        var tokens = MySqlTokenizer.Tokenize(text).Where(t => !t.IsTrivia).ToList();
        var literal = tokens.Count switch
        {
            1 when tokens[0].Kind == MySqlTokenKind.String => tokens[0].Text,
            2 when tokens[0].Text.StartsWith('_') && tokens[1].Kind == MySqlTokenKind.String => tokens[1].Text,
            _ => null,
        };
        if (literal is null || pgDataType is "bytea" or "bit varying" or "geometry") return null;
        var value = Unquote(literal);
        if (IsZeroDate(value) && pgDataType is "date" or "timestamp without time zone" or "timestamp with time zone") value = "-infinity";
        if (pgDataType == "array") value = SetArrays.ArrayLiteral(value);
        return value.Contains('\0') ? null : PostgresSyntax.QuoteString(value);
    }

    /// <summary>'0000-00-00', '0000-00-00 00:00:00[.000000]': MySQL's zero date, written to PostgreSQL as -infinity.</summary>
    public static bool IsZeroDate(string value) => value.StartsWith("0000-00-00", StringComparison.Ordinal) && value.Skip(10).All(c => c is '0' or ' ' or ':' or '.');

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberPattern();

    /// <summary>The value of a MySQL string literal: quotes undone, backslash escapes resolved.</summary>
    private static string Unquote(string literal)
    {
        var quote = literal[0];
        var body = literal[1..^1];
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == quote && i + 1 < body.Length && body[i + 1] == quote) { sb.Append(quote); i++; continue; }
            if (c != '\\' || i + 1 >= body.Length) { sb.Append(c); continue; }
            var next = body[++i];
            sb.Append(next switch
            {
                'n' => "\n", 't' => "\t", 'r' => "\r", '0' => "\0", 'b' => "\b", 'Z' => "\u001a",
                '%' or '_' => "\\" + next,
                _ => next.ToString(),
            });
        }
        return sb.ToString();
    }
}
