using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Schema;

/// <summary>The table a task expects on the target: the source table under its target name, reduced to the migrated columns.</summary>
public static class TargetSchema
{
    /// <summary>
    /// Applies the target names and the column subset of <paramref name="options"/>. Indexes and checks on
    /// columns left out are dropped with them. Refuses (<see cref="SchemaException"/>) a subset that names
    /// unknown columns, leaves out a primary-key column, or leaves out a column a kept generated column is
    /// computed from.
    /// </summary>
    public static TableSchema For(TableSchema source, CreateTableOptions? options = null)
    {
        options ??= new CreateTableOptions();
        var columns = source.Columns;
        var indexes = source.Indexes;
        var checks = source.Checks;
        if (options.Columns is not null)
        {
            var keep = Validate(source, options.Columns);
            var dropped = source.Columns.Where(c => !keep.Contains(c.Name)).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            columns = source.Columns.Where(c => keep.Contains(c.Name)).ToList();
            indexes = source.Indexes.Where(i => i.Columns.All(c => keep.Contains(c.Name))).ToList();
            checks = source.Checks.Where(c => c.Column is not null
                ? keep.Contains(c.Column)
                : !ReferencedIdentifiers(c.Expression).Any(dropped.Contains)).ToList();
        }
        return new TableSchema
        {
            Database = options.TargetDatabase ?? source.Database,
            Name = options.TargetTable ?? source.Name,
            Columns = columns,
            Indexes = indexes,
            Checks = checks,
            // Foreign keys keep the source's names of the tables they reference; the writer maps them through the task's renames.
            ForeignKeys = source.ForeignKeys.Where(f => f.Columns.All(c => columns.Any(k => string.Equals(k.Name, c, StringComparison.OrdinalIgnoreCase)))).ToList(),
            Versioning = source.Versioning,
            Engine = source.Engine,
            Charset = source.Charset,
            Collation = source.Collation,
            Comment = source.Comment,
            AutoIncrement = source.AutoIncrement,
            ExtraOptions = source.ExtraOptions,
        };
    }

    private static HashSet<string> Validate(TableSchema table, IReadOnlyList<string> subset)
    {
        var keep = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unknown = new List<string>();
        foreach (var name in subset)
        {
            if (table.Columns.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))) keep.Add(name);
            else unknown.Add(name);
        }
        var qualified = MySqlSyntax.QuoteQualified(table.Database, table.Name);
        var problems = new List<string>();
        if (unknown.Count > 0)
            problems.Add($"Table {qualified}: the column filter names {Names(unknown)}, which the table does not have. Correct the column list.");
        if (keep.Count == 0 && unknown.Count == 0)
            problems.Add($"Table {qualified}: the column filter keeps no column. Name at least one column.");
        if (table.PrimaryKey is { } pk)
        {
            var dropped = pk.Columns.Where(c => !keep.Contains(c.Name)).Select(c => c.Name).ToList();
            if (dropped.Count > 0)
                problems.Add($"Table {qualified}: the column filter leaves out primary-key column{(dropped.Count > 1 ? "s" : "")} {Names(dropped)}; " +
                             "rows could not be matched on the target. Add the primary-key columns to the column list.");
        }
        var droppedNames = table.Columns.Where(c => !keep.Contains(c.Name)).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var generated in table.Columns.Where(c => c.IsGenerated && keep.Contains(c.Name)))
        {
            var uses = ReferencedIdentifiers(generated.GenerationExpression!).Where(droppedNames.Contains).Distinct().ToList();
            if (uses.Count > 0)
                problems.Add($"Table {qualified}: generated column {MySqlSyntax.QuoteIdentifier(generated.Name)} is computed from {Names(uses)}, " +
                             "which the column filter leaves out. Keep those columns or leave the generated column out too.");
        }
        if (table.Versioning is { } period && !(keep.Contains(period.RowStart) && keep.Contains(period.RowEnd)))
            problems.Add($"Table {qualified} is system-versioned: the column filter must keep its period columns {Names([period.RowStart, period.RowEnd])}, " +
                         "which tell its history rows apart. Add them to the column list.");
        if (problems.Count > 0) throw new SchemaException(problems);
        return keep;
    }

    private static IEnumerable<string> ReferencedIdentifiers(string expression) =>
        MySqlTokenizer.Tokenize(expression).Where(t => t.IsIdentifier).Select(t => t.IdentifierValue);

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(MySqlSyntax.QuoteIdentifier));
}
