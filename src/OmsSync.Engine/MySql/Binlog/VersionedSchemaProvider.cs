using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Supplies the binlog decoder with each table's schema as it was at the rows' position, from the
/// task's schema history; tables the history does not know come from the source's information_schema.
/// </summary>
internal sealed class VersionedSchemaProvider : IBinlogSchemaProvider
{
    private readonly SchemaHistory _history;
    private readonly string _task;
    private readonly Direction _direction;
    private readonly IBinlogSchemaProvider _current;
    private readonly Func<string, string, BinlogPosition, CancellationToken, ValueTask>? _onDdl;

    /// <param name="onDdl">The schema tracker, which records a DDL's effect before the rows after it are decoded.</param>
    public VersionedSchemaProvider(SchemaHistory history, string task, Direction direction, IBinlogSchemaProvider current,
        Func<string, string, BinlogPosition, CancellationToken, ValueTask>? onDdl = null)
    {
        _history = history;
        _task = task;
        _direction = direction;
        _current = current;
        _onDdl = onDdl;
    }

    public ValueTask<TableSchema?> GetTableAsync(string database, string table, BinlogPosition position, CancellationToken cancellationToken)
    {
        var recorded = _history.Find(_task, _direction, database, table, CheckpointPosition.FileSequence(position.File), position.Position);
        return recorded is not null ? ValueTask.FromResult<TableSchema?>(recorded) : _current.GetTableAsync(database, table, position, cancellationToken);
    }

    public async ValueTask OnDdlAsync(string database, string statement, BinlogPosition position, CancellationToken cancellationToken)
    {
        await _current.OnDdlAsync(database, statement, position, cancellationToken).ConfigureAwait(false);
        if (_onDdl is not null) await _onDdl(database, statement, position, cancellationToken).ConfigureAwait(false);
    }
}
