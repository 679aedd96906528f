using OmsSync.Engine.Errors;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Mapping;

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

    /// <summary>The table as the values are read by now (source name).</summary>
    public TableSchema SchemaOf(string source) => _postgres[source];

    /// <summary>A table of the task changed shape on PostgreSQL: its values are read by its new columns' types from here on.</summary>
    public void Reshape(TaskTable postgres)
    {
        _postgres[postgres.Mapping.Source] = postgres.Schema;
        foreach (var plan in _converters.Keys.Where(p => p.Table.Mapping.Source == postgres.Mapping.Source).ToList())
            _converters.Remove(plan);
    }

    public RowChange Map(TableApplyPlan plan, RowChange change)
    {
        if (!_converters.TryGetValue(plan, out var converters))
            _converters[plan] = converters = Converters(plan, change.ColumnNames);
        return new RowChange(change.Kind, change.Database, change.Table, change.ColumnNames,
            Convert(plan, change.Before, converters), Convert(plan, change.After, converters), change.Schema) { WholeBefore = change.WholeBefore, IsEcho = change.IsEcho };
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

    private static object?[]? Convert(TableApplyPlan plan, IReadOnlyList<object?>? image, Func<string, object>?[] converters)
    {
        if (image is null) return null;
        var values = new object?[image.Count];
        try
        {
            for (var i = 0; i < image.Count; i++)
                values[i] = image[i] is string text && converters[i] is { } convert ? convert(text) : image[i];
        }
        catch (OmsException e) when (NotRepresentable.LacksKey(e))
        {
            // The image holds the row's key in PostgreSQL's text, as the source has it.
            throw NotRepresentable.WithKey(e, plan.HasKey ? NotRepresentable.Key(plan.KeyColumns.Select(k => (k.Name, k.Index >= 0 ? image[k.Index] as string : null))) : null);
        }
        return values;
    }
}
