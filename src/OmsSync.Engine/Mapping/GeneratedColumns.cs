using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// Generated columns between a MySQL-family server and PostgreSQL. Neither computes the other's expressions the same
/// way (functions, types and NULL handling differ), so such a column is moved as a plain column of its type's
/// counterpart holding exactly the values the source computed: read by the full copy like any other column, carried
/// by the change stream (PostgreSQL's values computed by the source, <see cref="Postgres.Logical.PostgresGeneratedValues"/>),
/// compared by verification. The target does not compute it; the pre-check names each one and its expression.
/// </summary>
internal static class GeneratedColumns
{
    /// <summary>The task's tables with their generated columns as plain ones, so every phase moves them (see <see cref="FullLoad.MovingColumns"/>).</summary>
    public static TaskObjects Carried(TaskObjects objects) => objects.WithSchemas(t => Carried(t.Schema));

    public static TableSchema Carried(TableSchema table) => !table.Columns.Any(c => c.IsGenerated) ? table : new TableSchema
    {
        Database = table.Database, Name = table.Name, Indexes = table.Indexes, Engine = table.Engine, Charset = table.Charset,
        Collation = table.Collation, Comment = table.Comment, AutoIncrement = table.AutoIncrement, ExtraOptions = table.ExtraOptions,
        Checks = table.Checks, ForeignKeys = table.ForeignKeys, Versioning = table.Versioning,
        Columns = table.Columns.Select(c => !c.IsGenerated ? c : new ColumnSchema
        {
            Name = c.Name, Ordinal = c.Ordinal, DataType = c.DataType, ColumnType = c.ColumnType, Nullable = c.Nullable, DefaultSql = c.DefaultSql,
            AutoIncrement = c.AutoIncrement, OnUpdateSql = c.OnUpdateSql, Charset = c.Charset, Collation = c.Collation, Comment = c.Comment,
            Invisible = c.Invisible, WithoutVersioning = c.WithoutVersioning,
        }).ToList(),
    };

    /// <summary>One warning per generated column the task moves, naming it and its expression.</summary>
    public static IEnumerable<string> Warnings(TaskTable table, DataSourceKind source)
    {
        var wanted = table.Mapping.Columns is { } columns ? new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase) : null;
        var postgres = source == DataSourceKind.PostgreSql;
        var other = postgres ? "MySQL" : "PostgreSQL";
        foreach (var column in table.Schema.Columns.Where(c => c.IsGenerated && (wanted is null || wanted.Contains(c.Name))))
        {
            var where = postgres
                ? $"Table {PostgresSyntax.QuoteQualified(table.Schema.Database, table.Schema.Name)}, column {PostgresSyntax.QuoteIdentifier(column.Name)}"
                : $"Table {MySqlSyntax.QuoteQualified(table.Schema.Database, table.Schema.Name)}, column {MySqlSyntax.QuoteIdentifier(column.Name)}";
            var kind = postgres ? "STORED" : column.GeneratedStored ? "STORED" : "VIRTUAL";
            yield return $"{where}: generated column ({kind}, {column.GenerationExpression}) becomes a plain column on the {other} side holding the values " +
                         $"the source computed, full copy and changes alike; {other} does not compute it. After a cut-over, redefine it on the target " +
                         "if the target should compute it.";
        }
    }
}
