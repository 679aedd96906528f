using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// Generated columns between a MySQL-family server and PostgreSQL. Where the expression is in the subset both servers
/// provably compute alike (<see cref="GenerationTranslator"/>), the target gets a stored generated column computing the
/// translated expression (<see cref="ColumnSchema.TargetGeneration"/>): no phase writes it, verification compares it.
/// Any other is moved as a plain column of its type's counterpart holding exactly the values the source computed: read
/// by the full copy like any other column, carried by the change stream (PostgreSQL's values computed by the source,
/// <see cref="Postgres.Logical.PostgresGeneratedValues"/>), compared by verification. The pre-check names each one, its
/// expression and what became of it.
/// </summary>
internal static class GeneratedColumns
{
    /// <summary>The task's tables as moved: translated generated columns kept (with their target expression), the rest plain (see <see cref="FullLoad.MovingColumns"/>).</summary>
    public static TaskObjects Carried(TaskObjects objects, DataSourceKind source) =>
        objects.WithSchemas(t => Carried(t.Schema, source, Moved(t.Mapping)));

    public static TableSchema Carried(TableSchema table, DataSourceKind source, IReadOnlySet<string>? moved = null) => !table.Columns.Any(c => c.IsGenerated) ? table : new TableSchema
    {
        Database = table.Database, Name = table.Name, Indexes = table.Indexes, Engine = table.Engine, Charset = table.Charset,
        Collation = table.Collation, Comment = table.Comment, AutoIncrement = table.AutoIncrement, ExtraOptions = table.ExtraOptions,
        Checks = table.Checks, ForeignKeys = table.ForeignKeys, Versioning = table.Versioning,
        Columns = table.Columns.Select(c => !c.IsGenerated ? c : Carried(c, Translate(table, c, source, moved, out _))).ToList(),
    };

    /// <summary>A translated column stays generated as on the source, so that no phase writes it; any other becomes plain.</summary>
    private static ColumnSchema Carried(ColumnSchema c, string? translated) => new()
    {
        Name = c.Name, Ordinal = c.Ordinal, DataType = c.DataType, ColumnType = c.ColumnType, Nullable = c.Nullable, DefaultSql = c.DefaultSql,
        AutoIncrement = c.AutoIncrement, OnUpdateSql = c.OnUpdateSql, Charset = c.Charset, Collation = c.Collation, Comment = c.Comment,
        Invisible = c.Invisible, WithoutVersioning = c.WithoutVersioning,
        GenerationExpression = translated is null ? null : c.GenerationExpression,
        GeneratedStored = translated is not null && c.GeneratedStored,
        TargetGeneration = translated,
    };

    /// <summary>The target's expression for a generated column, or null with the reason it is carried as a plain column.</summary>
    public static string? Translate(TableSchema table, ColumnSchema column, DataSourceKind source, IReadOnlySet<string>? moved, out string reason) =>
        source == DataSourceKind.PostgreSql
            ? GenerationTranslator.ToMySql(table, column, moved, out reason)
            : GenerationTranslator.ToPostgres(table, column, moved, out reason);

    /// <summary>The columns the task moves, by its column filter; null for all.</summary>
    public static HashSet<string>? Moved(TableMapping mapping) =>
        mapping.Columns is { } columns ? new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase) : null;

    /// <summary>
    /// One line per generated column the task moves, naming it and its expression: Pass for one the target computes
    /// (with the translation), Warn for one carried as a plain column (with the reason it is not translated).
    /// </summary>
    public static IEnumerable<(bool Translated, string Message)> Report(TaskTable table, DataSourceKind source)
    {
        var wanted = Moved(table.Mapping);
        var postgres = source == DataSourceKind.PostgreSql;
        var other = postgres ? "MySQL" : "PostgreSQL";
        foreach (var column in table.Schema.Columns.Where(c => c.IsGenerated && (wanted is null || wanted.Contains(c.Name))))
        {
            var where = postgres
                ? $"Table {PostgresSyntax.QuoteQualified(table.Schema.Database, table.Schema.Name)}, column {PostgresSyntax.QuoteIdentifier(column.Name)}"
                : $"Table {MySqlSyntax.QuoteQualified(table.Schema.Database, table.Schema.Name)}, column {MySqlSyntax.QuoteIdentifier(column.Name)}";
            var kind = postgres ? "STORED" : column.GeneratedStored ? "STORED" : "VIRTUAL";
            if (Translate(table.Schema, column, source, wanted, out var reason) is { } translated)
                yield return (true, $"{where}: generated column ({kind}, {column.GenerationExpression}) becomes a STORED generated column on the {other} side " +
                                    $"computing {translated}, which gives the same values; no phase writes it, verification compares it.");
            else
                yield return (false, $"{where}: generated column ({kind}, {column.GenerationExpression}) is not translated ({reason}) and becomes a plain " +
                                     $"column on the {other} side holding the values the source computed, full copy and changes alike; {other} does not " +
                                     "compute it. After a cut-over, redefine it on the target if the target should compute it.");
        }
    }
}
