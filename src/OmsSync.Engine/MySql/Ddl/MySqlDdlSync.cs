using OmsSync.Engine.Changes;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// DDL synchronization between MySQL-family servers: the schema tracker (<see cref="DdlTracker"/>) follows the task's
/// tables through the binlog's DDL, and the applier (<see cref="DdlApplier"/>) applies it to the target, or pauses the
/// task at it when DDL synchronization is off.
/// </summary>
internal sealed class MySqlDdlSync : IDdlSync
{
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly SchemaHistory _history;
    private readonly MySqlEndpoint _source;
    private readonly MySqlEndpoint _target;
    private readonly Action<string> _log;
    private readonly DdlApplier _applier;
    private DdlTracker? _tracker;

    public MySqlDdlSync(MigrationTask task, Direction direction, StateStore store, MySqlEndpoint source, string sourcePassword, MySqlEndpoint target, Action<string> log)
    {
        _task = task;
        _direction = direction;
        _history = new SchemaHistory(store);
        _source = source;
        _target = target;
        _log = log;
        _applier = new DdlApplier(task, direction, _history, new DdlLog(store), source, target, new RuntimeStore(store), new ConflictLog(store),
            token => BinlogServerInfo.GetCurrentPositionAsync(BinlogConnectionOptions.ForTask(source.Source, sourcePassword, $"{task.Name}/{direction}"), token), log);
    }

    public void Follow(IReadOnlyDictionary<(string, string), TaskTable> tables)
    {
        var rules = new TaskRules(_task);
        var planner = new DdlPlanner(rules, _task.IncrementalDdl, _task.OnlineDdlTool, _direction == Direction.Reverse);
        // Shapes are worked out on the forward direction's target, where OmsSync keeps its own database already.
        var scratch = new SchemaScratch(_direction == Direction.Forward ? _target : _source, _task.OmsKey, _direction);
        _tracker = new DdlTracker(_task.Name, _direction, planner, rules, _task.IncrementalDdl && _direction == Direction.Forward, _history, scratch, _source,
            tables.Values, _log);
    }

    private DdlTracker Tracker => _tracker ?? throw new InvalidOperationException("The DDL tracker follows no tables yet.");

    public bool Includes(string database, string table) => Tracker.Includes(database, table);

    public ValueTask OnDdlAsync(string database, string statement, SourcePosition end, CancellationToken cancellationToken) =>
        Tracker.OnDdlAsync(database, statement, (BinlogPosition)end, cancellationToken);

    public Dictionary<(string, string), TaskTable> TablesAt(SourcePosition position, IReadOnlyDictionary<(string, string), TaskTable> known) =>
        _applier.TablesAt((BinlogPosition)position, known);

    public Task LoadAsync(ITargetSession session, CancellationToken cancellationToken) =>
        _applier.LoadAsync(((MySqlChangeTarget.Session)session).Connection, cancellationToken);

    public IReadOnlyDictionary<string, SourcePosition> CatchUp => _applier.CatchUp;

    public Task<DdlResult?> ApplyAsync(ITargetSession session, SourceTransaction transaction, IReadOnlyDictionary<(string, string), TaskTable> tables,
        CancellationToken cancellationToken) =>
        _applier.ApplyAsync(((MySqlChangeTarget.Session)session).Connection, transaction, tables, cancellationToken);

    public Task CompleteAsync(ITargetWrite write, DdlResult result, CancellationToken cancellationToken)
    {
        var mysql = (MySqlChangeTarget.Write)write;
        return _applier.CompleteAsync(mysql.Connection, mysql.Transaction, result, cancellationToken);
    }
}
