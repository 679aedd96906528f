using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Kafka;

/// <summary>A chunk's rows for a Kafka writer: each value as the change decoders give it (<see cref="ColumnText"/>), ready to write as a message.</summary>
/// <param name="shaped">The MySQL shape of a PostgreSQL source's tables, whose columns say how the copied text reads.</param>
internal sealed class KafkaChunkBuffer(TaskObjects? shaped) : ChunkBuffer
{
    private readonly List<object?[]> _rows = [];
    private IReadOnlyList<ColumnSchema> _columns = [];
    private object?[]? _row;
    private int _column;

    public IReadOnlyList<object?[]> Images => _rows;

    public override void Reset(TableCopyPlan plan)
    {
        _rows.Clear();
        var mysql = shaped?.Tables.First(t => t.Mapping.Source == plan.Mapping.Source).Schema;
        _columns = mysql is null ? plan.Columns : plan.Columns.Select(c => mysql.Column(c.Name)).ToList();
        _row = null;
        _column = 0;
        Rows = 0;
        Filled = 0;
    }

    public override void WriteNull() => Next(null, 0);

    public override void WriteValue(ReadOnlySpan<byte> value) => Next(ColumnText.Parse(_columns[_column], value), value.Length);

    private void Next(object? value, int bytes)
    {
        _row ??= new object?[_columns.Count];
        _row[_column++] = value;
        Filled += bytes + 1;
    }

    public override void EndRow()
    {
        _rows.Add(_row ?? new object?[_columns.Count]);
        _row = null;
        _column = 0;
        Rows++;
    }
}
