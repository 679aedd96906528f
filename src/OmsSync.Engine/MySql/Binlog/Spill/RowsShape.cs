using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Rows;

namespace OmsSync.Engine.MySql.Binlog.Spill;

/// <summary>
/// What it takes to turn a rows event's encoded images into row changes: the table, its decoding plan and
/// the event's kind and column bitmaps. Consecutive events of the same shape can be decoded as one.
/// </summary>
internal sealed class RowsShape
{
    private readonly RowChangeKind _kind;
    private readonly RowsEventKind _eventKind;
    private readonly string _database;
    private readonly string _table;
    private readonly RowColumn[] _columns;
    private readonly IReadOnlyList<string?> _names;
    private readonly TableSchema? _schema;
    private readonly byte[] _present;
    private readonly byte[] _presentAfter;

    public RowsShape(RowChangeKind kind, RowsEvent rows, string database, string table, RowColumn[] columns, IReadOnlyList<string?> names, TableSchema? schema)
    {
        _kind = kind;
        _eventKind = rows.Kind;
        _database = database;
        _table = table;
        _columns = columns;
        _names = names;
        _schema = schema;
        _present = rows.ColumnsPresent;
        _presentAfter = rows.ColumnsPresentAfter ?? [];
    }

    public int ColumnCount => _columns.Length;
    public (string Database, string Table) Table => (_database, _table);

    public bool Matches(RowsShape other) =>
        ReferenceEquals(this, other) ||
        ReferenceEquals(_columns, other._columns) && _kind == other._kind && _eventKind == other._eventKind &&
        _database == other._database && _table == other._table &&
        _present.AsSpan().SequenceEqual(other._present) && _presentAfter.AsSpan().SequenceEqual(other._presentAfter);

    public List<(object?[]? Before, object?[]? After)> DecodeImages(ReadOnlySpan<byte> images) =>
        RowImageDecoder.Decode(_eventKind, images, _present, _presentAfter, _columns);

    public RowChange Change(object?[]? before, object?[]? after) => new(_kind, _database, _table, _names, before, after, _schema);
}
