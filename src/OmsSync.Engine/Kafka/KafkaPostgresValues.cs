using System.Text;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// A PostgreSQL source's values as a Kafka target writes them: mapped to the MySQL column each maps to, as into MySQL
/// (<see cref="PostgresToMySqlValues"/>), then the MySQL text of numbers and temporal values read as the binlog decoder
/// would give them (<see cref="ColumnText"/>), so that messages are typed as from a MySQL-family source.
/// </summary>
internal sealed class KafkaPostgresValues(IEnumerable<TaskTable> postgres) : IValueMapping
{
    private readonly PostgresToMySqlValues _mysql = new(postgres);
    // Per apply plan: the MySQL column of each image position whose text is to be typed, null where the value stays.
    private readonly Dictionary<TableApplyPlan, ColumnSchema?[]> _typed = new(ReferenceEqualityComparer.Instance);

    public RowChange Map(TableApplyPlan plan, RowChange change)
    {
        var mapped = _mysql.Map(plan, change);
        if (!_typed.TryGetValue(plan, out var columns))
            _typed[plan] = columns = mapped.ColumnNames.Select(name => plan.Table.Schema.Columns.FirstOrDefault(c => c.Name == name) is { } c && !IsText(c) ? c : null).ToArray();
        return new RowChange(mapped.Kind, mapped.Database, mapped.Table, mapped.ColumnNames, Typed(mapped.Before, columns), Typed(mapped.After, columns), mapped.Schema)
            { WholeBefore = mapped.WholeBefore, IsEcho = mapped.IsEcho };
    }

    private static object?[]? Typed(IReadOnlyList<object?>? image, ColumnSchema?[] columns)
    {
        if (image is null) return null;
        var values = new object?[image.Count];
        for (var i = 0; i < image.Count; i++)
            values[i] = image[i] is string text && i < columns.Length && columns[i] is { } column ? ColumnText.Parse(column, Encoding.UTF8.GetBytes(text)) : image[i];
        return values;
    }

    // Characters stay the string they are: only numbers, temporal values and the like are read from their text.
    private static bool IsText(ColumnSchema column) => column.DataType is "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext"
        or "enum" or "set" or "json" or "uuid" or "inet4" or "inet6";
}
