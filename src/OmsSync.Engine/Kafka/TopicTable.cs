using OmsSync.Engine.Model;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// One table as its messages carry it: the topic, the names on both sides, and the columns a message holds with the
/// position of each in the images it is built from; <see cref="Key"/> indexes the columns of the row's key (empty without one).
/// </summary>
internal sealed class TopicTable
{
    public TopicTable(string topic, TableMapping mapping, IReadOnlyList<(ColumnSchema Column, int Index)> columns, IReadOnlyList<string>? key)
    {
        Topic = topic;
        Mapping = mapping;
        Columns = columns;
        Key = key is null ? [] : key.Select(k => Columns.ToList().FindIndex(c => string.Equals(c.Column.Name, k, StringComparison.OrdinalIgnoreCase)))
            .Where(i => i >= 0).ToList();
        Names = columns.Select(c => c.Column.Name).ToList();
    }

    public string Topic { get; }
    public TableMapping Mapping { get; }
    public IReadOnlyList<(ColumnSchema Column, int Index)> Columns { get; }
    public IReadOnlyList<int> Key { get; }
    /// <summary>The column names, as messages name them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The image's value of column <paramref name="i"/> (of <see cref="Columns"/>).</summary>
    public object? Value(IReadOnlyList<object?> image, int i) => Columns[i].Index is var at and >= 0 && at < image.Count ? image[at] : null;

    /// <summary>Whether the key's values differ between the two images (an update that moves the row).</summary>
    public bool KeyMoves(IReadOnlyList<object?> before, IReadOnlyList<object?> after) =>
        Key.Any(i => !Equals(Value(before, i), Value(after, i)) && !(Value(before, i) is byte[] a && Value(after, i) is byte[] b && a.AsSpan().SequenceEqual(b)));
}

/// <summary>Where a message's change comes from: the source transaction's position, id and commit time, and whether a snapshot read it.</summary>
internal sealed record MessageSource(string Connector, string Name, string? Position, string? TransactionId, DateTimeOffset CommitTime, bool Snapshot);

/// <summary>A message to produce: its key (null: none, sent to partition 0 so that a keyless table keeps its order) and value (null: a tombstone).</summary>
internal readonly record struct KafkaMessage(string Topic, byte[]? Key, byte[]? Value);
