using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Schema;
using System.Text;
using MySqlConnector;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Applies a task's row filter (a WHERE condition in the source's SQL) to binlog row images. The source
/// server evaluates it, so every function and comparison means what it meant during the full copy: the
/// images become a derived table with the source's column names, and the condition runs over it.
/// An update that crosses the filter becomes an insert (now in) or a delete (now out).
/// </summary>
internal static class RowFilterEvaluator
{
    private const int RowsPerQuery = 500;

    /// <summary>Each change as it reaches a filtered target, in order; null where neither image passes.</summary>
    public static async Task<RowChange?[]> ThroughAsync(MySqlConnection source, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        CancellationToken cancellationToken)
    {
        var result = new RowChange?[changes.Count];
        for (var i = 0; i < changes.Count; i++) result[i] = changes[i].Change;
        if (changes.All(c => c.Plan.Table.Mapping.RowFilter is null)) return result;
        // Which images need a verdict, per table.
        var verdicts = new Dictionary<IReadOnlyList<object?>, bool>(ReferenceEqualityComparer.Instance);
        foreach (var group in changes.Where(c => c.Plan.Table.Mapping.RowFilter is not null).GroupBy(c => c.Plan))
        {
            var images = group.SelectMany(c => new[] { c.Change.Before, c.Change.After }).OfType<IReadOnlyList<object?>>().Distinct(ReferenceEqualityComparer.Instance)
                .Cast<IReadOnlyList<object?>>().ToList();
            var names = group.First().Change.ColumnNames;
            for (var start = 0; start < images.Count; start += RowsPerQuery)
            {
                var slice = images.Skip(start).Take(RowsPerQuery).ToList();
                var results = await EvaluateAsync(source, group.Key.Table.Mapping.RowFilter!, names, slice, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < slice.Count; i++) verdicts[slice[i]] = results[i];
            }
        }
        for (var i = 0; i < changes.Count; i++)
        {
            var (plan, change) = changes[i];
            if (plan.Table.Mapping.RowFilter is null) continue;
            result[i] = Through(change, change.Before is not null && verdicts[change.Before], change.After is not null && verdicts[change.After]);
        }
        return result;
    }

    /// <summary>
    /// The change as it reaches a filtered target, given whether its before- and after-image pass the filter: an
    /// update that comes into the filter becomes an insert, one that leaves it a delete; null when nothing is to be done.
    /// </summary>
    public static RowChange? Through(RowChange change, bool before, bool after)
    {
        var kind = (change.Kind, before, after) switch
        {
            (RowChangeKind.Insert, _, true) => RowChangeKind.Insert,
            (RowChangeKind.Delete, true, _) => RowChangeKind.Delete,
            (RowChangeKind.Update, true, true) => RowChangeKind.Update,
            (RowChangeKind.Update, true, false) => RowChangeKind.Delete,
            (RowChangeKind.Update, false, true) => RowChangeKind.Insert,
            _ => (RowChangeKind?)null,
        };
        if (kind is null) return null;
        return kind == change.Kind ? change : new RowChange(kind.Value, change.Database, change.Table, change.ColumnNames,
            kind == RowChangeKind.Insert ? null : change.Before, kind == RowChangeKind.Delete ? null : change.After, change.Schema) { WholeBefore = change.WholeBefore };
    }

    private static async Task<bool[]> EvaluateAsync(MySqlConnection source, string filter, IReadOnlyList<string?> names,
        IReadOnlyList<IReadOnlyList<object?>> images, CancellationToken cancellationToken)
    {
        var rows = new StringBuilder();
        for (var r = 0; r < images.Count; r++)
        {
            rows.Append(r == 0 ? "SELECT " : " UNION ALL SELECT ").Append(r).Append(r == 0 ? " AS `__oms_row`" : "");
            for (var c = 0; c < names.Count; c++)
            {
                rows.Append(", ");
                SqlLiterals.AppendKey(rows, images[r][c]);
                if (r == 0) rows.Append(" AS ").Append(MySqlSyntax.QuoteIdentifier(names[c] ?? $"column{c + 1}"));
            }
        }
        await using var command = new MySqlCommand($"SELECT `__oms_row`, COALESCE(({filter}), FALSE) FROM ({rows}) AS `t` ORDER BY `__oms_row`", source);
        var result = new bool[images.Count];
        await using var reader = await Connections.SingleStatement.For(command, carriesUserText: true).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result[reader.GetInt32(0)] = Convert.ToInt64(reader.GetValue(1)) != 0;
        return result;
    }
}
