using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Kafka;

/// <summary>A chunk's rows for a Kafka writer: each value as the change decoders give it (<see cref="ColumnText"/>), ready to write as a message.</summary>
/// <param name="columnsOf">The columns whose types say how a plan's copied text reads (a PostgreSQL source's as MySQL has them).</param>
internal sealed class KafkaChunkBuffer(Func<TableCopyPlan, IReadOnlyList<ColumnSchema>> columnsOf) : ChunkBuffer
{
    private readonly List<object?[]> _rows = [];
    private IReadOnlyList<ColumnSchema> _columns = [];
    private object?[]? _row;
    private int _column;

    public IReadOnlyList<object?[]> Images => _rows;

    public override void Reset(TableCopyPlan plan)
    {
        _rows.Clear();
        _columns = columnsOf(plan);
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
