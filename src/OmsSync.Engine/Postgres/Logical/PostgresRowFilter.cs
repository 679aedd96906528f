using Npgsql;
using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// Applies a task's row filters (WHERE conditions in PostgreSQL's SQL) to changes read from PostgreSQL. The source
/// evaluates them on the images in its own text, typed by the table's row type (<see cref="PostgresImageEvaluator"/>), so
/// every function and comparison means what it meant during the full copy. An update that crosses the filter becomes an
/// insert or a delete, as from the binlog (<see cref="RowFilterEvaluator.Through"/>).
/// </summary>
internal sealed class PostgresRowFilter(NpgsqlConnection source) : IRowFilter
{
    private readonly PostgresImageEvaluator _evaluator = new(source);

    public async Task<RowChange?[]> ThroughAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, CancellationToken cancellationToken)
    {
        var result = new RowChange?[changes.Count];
        for (var i = 0; i < changes.Count; i++) result[i] = changes[i].Change;
        foreach (var group in Enumerable.Range(0, changes.Count).Where(i => changes[i].Plan.Table.Mapping.RowFilter is not null)
                     .GroupBy(i => (changes[i].Plan.Table, changes[i].Change.ColumnNames)))
        {
            // Each image evaluated once: an update without a before-image has its after-image standing for it.
            var images = new List<IReadOnlyList<object?>>();
            var positions = new Dictionary<IReadOnlyList<object?>, int>(ReferenceEqualityComparer.Instance);
            foreach (var image in group.SelectMany(i => new[] { changes[i].Change.Before, changes[i].Change.After }).OfType<IReadOnlyList<object?>>())
                if (positions.TryAdd(image, images.Count)) images.Add(image);
            var mapping = group.Key.Table.Mapping;
            var passed = await _evaluator.EvaluateAsync(mapping.SourceDatabase, mapping.SourceTable, group.Key.ColumnNames, images,
                [$"COALESCE(({mapping.RowFilter}), false)"], null, cancellationToken).ConfigureAwait(false);
            foreach (var i in group)
            {
                var change = changes[i].Change;
                bool Passes(IReadOnlyList<object?>? image) => image is not null && passed[positions[image]]![0] == "true";
                result[i] = RowFilterEvaluator.Through(change, Passes(change.Before), Passes(change.After));
            }
        }
        return result;
    }

    public ValueTask DisposeAsync() => _evaluator.DisposeAsync();
}
