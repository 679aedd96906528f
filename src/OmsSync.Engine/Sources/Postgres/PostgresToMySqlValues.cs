using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// The value mapping from PostgreSQL to a MySQL-family target: each value, in PostgreSQL's text, becomes the value the
/// MySQL applier writes for its column's mapped type (<see cref="ChangeValues"/>); a value that was not sent stays so.
/// </summary>
internal sealed class PostgresToMySqlValues : IValueMapping
{
    private readonly Dictionary<string, TableSchema> _postgres;
    // Per apply plan (one per table shape): a converter per image position, null where the value passes as it is.
    private readonly Dictionary<TableApplyPlan, Func<string, object>?[]> _converters = new(ReferenceEqualityComparer.Instance);

    /// <param name="postgres">The task's tables as they are on PostgreSQL (source names).</param>
    public PostgresToMySqlValues(IEnumerable<TaskTable> postgres) =>
        _postgres = postgres.ToDictionary(t => t.Mapping.Source, t => t.Schema, StringComparer.Ordinal);

    public RowChange Map(TableApplyPlan plan, RowChange change)
    {
        if (!_converters.TryGetValue(plan, out var converters))
            _converters[plan] = converters = Converters(plan, change.ColumnNames);
        return new RowChange(change.Kind, change.Database, change.Table, change.ColumnNames,
            Convert(change.Before, converters), Convert(change.After, converters), change.Schema) { IsEcho = change.IsEcho };
    }

    private Func<string, object>?[] Converters(TableApplyPlan plan, IReadOnlyList<string?> names)
    {
        var source = _postgres[plan.Table.Mapping.Source];
        return names.Select(name =>
        {
            var pg = source.Columns.FirstOrDefault(c => c.Name == name);
            var mysql = plan.Table.Schema.Columns.FirstOrDefault(c => c.Name == name);
            return pg is null || mysql is null ? null : ChangeValues.For(plan.Table.Mapping.Source, pg, mysql);
        }).ToArray();
    }

    private static object?[]? Convert(IReadOnlyList<object?>? image, Func<string, object>?[] converters)
    {
        if (image is null) return null;
        var values = new object?[image.Count];
        for (var i = 0; i < image.Count; i++)
            values[i] = image[i] is string text && converters[i] is { } convert ? convert(text) : image[i];
        return values;
    }
}
