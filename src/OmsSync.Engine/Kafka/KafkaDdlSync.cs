using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Ddl;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// DDL synchronization into Kafka (-IncrementalDdl): a MySQL-family source's DDL on a task table becomes a schema-change
/// event in the task's schema topic, produced in the Kafka transaction that moves the checkpoint past it. The table's
/// shape after the DDL is read from the source when the stream meets the DDL and recorded in the schema history at its
/// position, so the rows after it are decoded, and their messages written, in the new shape. A table the DDL dropped or
/// renamed away leaves the task.
/// </summary>
/// <remarks>
/// The shape is the source's when the DDL is read: a backlog holding two DDL of one table decodes the rows between
/// them in the later shape. (Between MySQL-family servers DDL synchronization replays each DDL on a scratch schema instead.)
/// </remarks>
internal sealed class KafkaDdlSync(MySqlEndpoint source, IChangeSource changes, KafkaChangeTarget target, SchemaHistory history) : IDdlSync
{
    private IReadOnlyDictionary<(string, string), TaskTable> _tables = new Dictionary<(string, string), TaskTable>();
    private readonly List<KafkaMessage> _pending = [];

    public void Follow(IReadOnlyDictionary<(string, string), TaskTable> tables) => _tables = tables;

    public bool Includes(string database, string table) => _tables.ContainsKey((database, table));

    public async ValueTask OnDdlAsync(string database, string statement, SourcePosition end, CancellationToken cancellationToken)
    {
        var ddl = new DdlChange(database, statement);
        var touched = _tables.Where(t => changes.Concerns(ddl, new Dictionary<(string, string), TaskTable> { [t.Key] = t.Value })).ToList();
        if (touched.Count == 0) return;
        var position = (BinlogPosition)end;
        await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var reader = new MySqlSchemaReader(connection);
        foreach (var ((db, name), table) in touched)
        {
            var now = (await reader.ReadTablesAsync(db, [name], cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Name == name);
            history.Record(target.Task.Name, target.Direction, db, name, now, table.Mapping, member: now is not null,
                CheckpointPosition.FileSequence(position.File), position.Position);
        }
    }

    public Dictionary<(string, string), TaskTable> TablesAt(SourcePosition position, IReadOnlyDictionary<(string, string), TaskTable> known) => new(known);

    public async Task<DdlResult?> ApplyAsync(ITargetSession session, SourceTransaction transaction, IReadOnlyDictionary<(string, string), TaskTable> tables,
        CancellationToken cancellationToken)
    {
        _pending.Clear();
        var concerned = new HashSet<(string, string)>();
        target.Entering(transaction);
        foreach (var ddl in transaction.Changes.OfType<DdlChange>())
        {
            var touched = tables.Where(t => changes.Concerns(ddl, new Dictionary<(string, string), TaskTable> { [t.Key] = t.Value })).ToList();
            if (touched.Count == 0) continue;
            foreach (var (key, table) in touched)
            {
                concerned.Add(key);
                _pending.Add(target.Format.Ddl(target.Topics.Schema, table.Mapping.TargetDatabase, table.Mapping.TargetTable, ddl.Statement, target.CurrentSource()));
            }
        }
        if (concerned.Count == 0) return null;
        var after = new Dictionary<(string, string), TaskTable>(tables);
        var end = (BinlogPosition)transaction.EndPosition;
        foreach (var key in concerned)
        {
            var now = history.Find(target.Task.Name, target.Direction, key.Item1, key.Item2, CheckpointPosition.FileSequence(end.File), end.Position);
            if (now is null) after.Remove(key);
            else after[key] = tables[key] with { Schema = now };
        }
        _tables = after;
        return new DdlResult(after, Reload: false, []);
    }

    public Task CompleteAsync(ITargetWrite write, DdlResult result, CancellationToken cancellationToken)
    {
        ((KafkaTargetWrite)write).Produce(_pending);
        _pending.Clear();
        return Task.CompletedTask;
    }
}
