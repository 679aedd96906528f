using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Table features beyond columns, types and keys that not every target holds: system versioning (MariaDB only) and
/// INVISIBLE columns (MariaDB and MySQL 8.0.23+). Each problem names the table and the feature, so the pre-check refuses
/// the task before anything is created rather than the task failing at the first change.
/// </summary>
public static class TableFeatures
{
    /// <summary>What stops <paramref name="table"/> from being migrated to a target of <paramref name="target"/>'s kind.</summary>
    /// <param name="tables">The task's other tables: a foreign key between one of them and a versioned table counts too.</param>
    public static IReadOnlyList<string> Problems(TableSchema table, DataSourceKind target, IEnumerable<TableSchema>? tables = null)
    {
        var problems = new List<string>();
        var name = MySqlSyntax.QuoteQualified(table.Database, table.Name);
        if (table.Versioning is { } versioning)
        {
            if (target != DataSourceKind.MariaDb)
                problems.Add($"Table {name} is system-versioned (WITH SYSTEM VERSIONING), which only MariaDB holds; {target} cannot keep its history. " +
                             "Exclude the table (-Exclude), or migrate to MariaDB.");
            else if (versioning.TransactionPrecise)
                problems.Add($"Table {name} is system-versioned by transaction ids (its period columns are BIGINT UNSIGNED): those are the source's own " +
                             "InnoDB transaction ids and mean nothing on another server. Exclude the table, or version it by TIMESTAMP(6) on the source.");
            var parents = table.ForeignKeys.Select(f => f.Name).ToList();
            var children = (tables ?? []).Where(t => !ReferenceEquals(t, table))
                .SelectMany(t => t.ForeignKeys.Where(f => f.ReferencedDatabase == table.Database && f.ReferencedTable == table.Name).Select(f => $"{t.Name}.{f.Name}"))
                .ToList();
            if (parents.Count + children.Count > 0)
                problems.Add($"Table {name} is system-versioned and in a foreign key ({string.Join(", ", parents.Concat(children))}): versioning is added at cut-over " +
                             "by rebuilding the table, which its foreign keys would not follow. Exclude the table or drop the foreign key.");
        }
        var invisible = table.Columns.Where(c => c.Invisible && !(table.Versioning?.Implicit == true && table.Versioning.IsPeriodColumn(c.Name))).ToList();
        if (invisible.Count > 0 && target is not (DataSourceKind.MariaDb or DataSourceKind.MySql))
            problems.Add($"Table {name} has INVISIBLE column(s) {string.Join(", ", invisible.Select(c => MySqlSyntax.QuoteIdentifier(c.Name)))}, " +
                         $"which {target} cannot hold as such. Leave them out with -Column, or make them visible on the source.");
        return problems;
    }

    /// <summary>What stops the reverse direction of a bidirectional task from writing <paramref name="table"/> back to the source.</summary>
    public static string? ReverseProblem(TableSchema table) =>
        table.Versioning is null ? null
            : $"Table {MySqlSyntax.QuoteQualified(table.Database, table.Name)} is system-versioned: the reverse direction would write its rows through SQL, " +
              "which makes history rows of its own beside those the target logged. Exclude the table from a bidirectional task.";
}
