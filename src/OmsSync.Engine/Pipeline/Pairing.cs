using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.MySql.Ddl;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres;
using OmsSync.Engine.Postgres.Apply;
using OmsSync.Engine.Postgres.Copy;
using OmsSync.Engine.Postgres.Logical;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The one place that knows which kinds of server meet in a task direction: it composes each phase from the two
/// providers (schema reader and writer, chunk source and target, change source and target) and the mapping between
/// their types and values. A reverse direction is the same with the servers swapped and the table mapping turned around.
/// </summary>
internal sealed class Pairing
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly DataSourceCatalog _catalog;
    private readonly Action<string> _log;

    public Pairing(StateStore store, MigrationTask task, Action<string> log)
    {
        _store = store;
        _task = task;
        _log = log;
        _catalog = new DataSourceCatalog(store);
    }

    public DataSource Source => _catalog.Get(_task.Source);
    public DataSource Target => _catalog.Get(_task.Target);

    /// <summary>True when the task has PostgreSQL on either side.</summary>
    public static bool HasPostgres(DataSourceCatalog catalog, MigrationTask task) =>
        catalog.Get(task.Source).Kind == DataSourceKind.PostgreSql || catalog.Get(task.Target).Kind == DataSourceKind.PostgreSql;

    /// <summary>Refuses what no pairing does.</summary>
    public void Check()
    {
        Kafka.KafkaDirection.Check(_task, Source, Target);
        if (Source.Kind == DataSourceKind.PostgreSql && Target.Kind == DataSourceKind.PostgreSql)
            throw new OmsException("PostgresToPostgresNotSupported", OmsErrorKind.NotSupported, _task.Name,
                $"Task '{_task.Name}' copies PostgreSQL to PostgreSQL, which OmsSync does not do; use PostgreSQL's own logical replication.");
    }

    private MySqlEndpoint MySql(DataSource source) => new(source, _catalog.GetPassword(source.Name));
    private PostgresEndpoint Postgres(DataSource source) => new(source, _catalog.GetPassword(source.Name));

    /// <summary>The task's objects as they are now on its source, whichever kind of server it is.</summary>
    public async Task<TaskObjects> ResolveSourceAsync(CancellationToken cancellationToken) =>
        await ResolveAsync(Source, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The task's tables as its forward direction moves them: as on the source, except that between a MySQL-family
    /// server and PostgreSQL generated columns are computed by the target where their expression translates, and otherwise moved
    /// as plain columns holding the source's values (<see cref="GeneratedColumns"/>).
    /// </summary>
    public async Task<TaskObjects> ResolveMovedAsync(CancellationToken cancellationToken)
    {
        var objects = await ResolveSourceAsync(cancellationToken).ConfigureAwait(false);
        return Source.Kind == DataSourceKind.PostgreSql || Target.Kind == DataSourceKind.PostgreSql ? GeneratedColumns.Carried(objects, Source.Kind) : objects;
    }

    private Task<TaskObjects> ResolveAsync(DataSource source, CancellationToken cancellationToken) =>
        WithSchemaAsync(source, reader => TaskObjects.ResolveAsync(reader, _task, cancellationToken), cancellationToken);

    private Task<T> WithSchemaAsync<T>(DataSource server, Func<ISchemaSource, Task<T>> read, CancellationToken cancellationToken) =>
        Provider(server).ReadSchemaAsync(read, cancellationToken);

    /// <summary>The forward direction's objects beyond tables, read from the task's source and made on its target.</summary>
    public ObjectMigration Objects() => new(Provider(Source).ObjectSource(), Provider(Target).ObjectTarget(_task), _task);

    private IProvider Provider(DataSource server) => Providers.For(server, _catalog.GetPassword(server.Name));

    /// <summary>Schema migration's share of the objects beyond tables, made at the moments <paramref name="migrate"/> asks for them.</summary>
    private Func<CancellationToken, Task> WithObjects(ObjectMigration objects, TaskObjects tables,
        Func<Func<bool, CancellationToken, Task>, Func<TableReference, TableReference?>, CancellationToken, Task> migrate) =>
        async token =>
        {
            var plan = await objects.PlanAsync(tables, token).ConfigureAwait(false);
            var notes = new OperationNotes();
            try
            {
                await migrate((beforeTables, t) => objects.Target.CreateWithSchemaAsync(plan, beforeTables, notes, t), plan.RenameRoutine, token).ConfigureAwait(false);
            }
            finally
            {
                notes.DrainTo(_log);
            }
        };

    /// <summary>The forward direction's phases: the task's source to its target.</summary>
    public async Task<DirectionPlan> ForwardAsync(CancellationToken cancellationToken)
    {
        var (source, target) = (Source, Target);
        var objects = await ResolveMovedAsync(cancellationToken).ConfigureAwait(false);
        var incremental = _task.MigrationTypes.HasFlag(MigrationTypes.Incremental);
        if (target.Kind == DataSourceKind.Kafka)
            return Kafka.KafkaDirection.Forward(_store, _task, source, _catalog.GetPassword(source.Name),
                new Kafka.KafkaEndpoint(target, _catalog.GetPassword(target.Name)), objects, Objects(), _log);
        if (source.Kind == DataSourceKind.PostgreSql)
        {
            // The MySQL side works on the tables as they are to be on MySQL; the copy reads them as they are on PostgreSQL.
            var shaped = MySqlShaped(objects, target.Kind, _log);
            var (postgres, mysql) = (Postgres(source), MySql(target));
            var values = new PostgresToMySqlValues(objects.Tables);
            return new DirectionPlan
            {
                Reading = objects.Tables, Shaped = shaped, MigratesViews = false, Objects = Objects(),
                CheckSource = token => PreCheck.SourceReadiness.EnsureAsync(postgres, _task, objects.Tables, token),
                MigrateSchema = WithObjects(Objects(), shaped, (made, rename, token) => SchemaPhase.RunAsync(mysql, _task, shaped, token, made, rename)),
                VerifyTarget = token => SchemaPhase.VerifyTargetAsync(mysql, shaped, token),
                CreateDeferredIndexes = token => SchemaPhase.CreateDeferredIndexesAsync(mysql, shaped, _task.WriteConcurrency, token),
                CreateForeignKeys = token => SchemaPhase.CreateForeignKeysAsync(mysql, shaped, token),
                FullLoad = () => new FullLoadRunner(new PostgresChunkSource(postgres, shaped), new MySqlChunkTarget(mysql, _task, lookup: null),
                    _task, new RuntimeStore(_store), new ConflictLog(_store)),
                Pipeline = incremental ? new ChangePipeline(new PgOutputChangeSource(postgres, _task, Direction.Forward, _store, _log),
                    new MySqlChangeTarget(mysql, _task, Direction.Forward), values,
                    () => new PostgresColumnSync(_task, Direction.Forward, _store, postgres, mysql, values, _log), _task, Direction.Forward, _store, _log) : null,
            };
        }
        if (target.Kind == DataSourceKind.PostgreSql)
        {
            var (mysql, postgres) = (MySql(source), Postgres(target));
            // The tables as schema migration makes them there: spatial columns are geometry only where the database has PostGIS.
            var shapes = PostgresChangeTarget.Migrated(objects.Tables, await PostGis.InstalledAsync(postgres, cancellationToken).ConfigureAwait(false));
            return new DirectionPlan
            {
                Reading = objects.Tables, Shaped = objects, MigratesViews = false, Objects = Objects(),
                CheckSource = token => PreCheck.SourceReadiness.EnsureAsync(mysql, _task, objects.Tables, token),
                MigrateSchema = WithObjects(Objects(), objects, async (made, _, token) =>
                {
                    await PostgresSchemaPhase.RunAsync(postgres, _task, objects, token).ConfigureAwait(false);
                    await made(false, token).ConfigureAwait(false);
                }),
                VerifyTarget = token => PostgresSchemaPhase.VerifyTargetAsync(postgres, objects, token),
                CreateDeferredIndexes = token => PostgresSchemaPhase.CreateDeferredIndexesAsync(postgres, objects, _task.WriteConcurrency, token),
                CreateForeignKeys = token => PostgresSchemaPhase.CreateForeignKeysAsync(postgres, objects, token),
                FullLoad = () => new FullLoadRunner(new MySqlChunkSource(mysql, PostgresColumnTransfer.For), new PostgresChunkTarget(postgres, _task, shapes),
                    _task, new RuntimeStore(_store), new ConflictLog(_store)),
                Pipeline = incremental ? new ChangePipeline(new BinlogChangeSource(mysql, _catalog.GetPassword(source.Name), _task, Direction.Forward, _store, _log),
                    new PostgresChangeTarget(postgres, _task, Direction.Forward, shapes), null, null,
                    _task, Direction.Forward, _store, _log) : null,
            };
        }
        var (from, to) = (MySql(source), MySql(target));
        return new DirectionPlan
        {
            Reading = objects.Tables, Shaped = objects, Objects = Objects(),
            CheckSource = token => PreCheck.SourceReadiness.EnsureAsync(from, _task, objects.Tables, token),
            MigrateSchema = WithObjects(Objects(), objects, (made, rename, token) => SchemaPhase.RunAsync(to, _task, objects, token, made, rename)),
            VerifyTarget = token => SchemaPhase.VerifyTargetAsync(to, objects, token),
            CreateDeferredIndexes = token => SchemaPhase.CreateDeferredIndexesAsync(to, objects, _task.WriteConcurrency, token),
            CreateForeignKeys = token => SchemaPhase.CreateForeignKeysAsync(to, objects, token),
            FullLoad = () => MySqlFullLoad.Runner(from, to, _task, new RuntimeStore(_store), new ConflictLog(_store)),
            Pipeline = incremental ? MySqlPipeline(Direction.Forward, source, target) : null,
        };
    }

    /// <summary>A PostgreSQL source's tables as they are to be on a MySQL-family server: what does not fit there is refused, what changes is logged.</summary>
    internal static TaskObjects MySqlShaped(TaskObjects objects, DataSourceKind kind, Action<string> log)
    {
        var (problems, warnings) = (new List<string>(), new List<string>());
        var shaped = MySqlShapes.Of(objects, kind, problems, warnings);
        foreach (var warning in warnings) log(warning);
        if (problems.Count > 0)
            throw new OmsException("TargetSchemaIncompatible", OmsErrorKind.InvalidState, objects.Tables.FirstOrDefault()?.Mapping.Target,
                string.Join(Environment.NewLine, problems));
        return shaped;
    }

    /// <summary>
    /// The task's two servers as verification compares them: each side, how a key value of the source's change stream is
    /// written on each side (on the target through the mapping the task's changes take), the source's change feed, and how
    /// a repair reads the source rows it writes to the target (as the full copy reads them for that target).
    /// </summary>
    public VerificationPair Verification()
    {
        Check();
        var (source, target) = (Source, Target);
        var (sourceProvider, targetProvider) = (Provider(source), Provider(target));
        KeyLiterals mysqlKey = (_, _) => SqlLiterals.AppendKey;
        if (source.Kind == DataSourceKind.PostgreSql)
        {
            var fromPostgres = new RepairWay(Side.Source, targetProvider.Repairs, plan => new RepairColumns(
                new TableCopyPlan(plan.Mapping, plan.Table.Schema, plan.Written.Select(c => c.Source).ToList(),
                    pg => PostgresChunkSource.Transfer(pg, plan.Written.First(c => c.Source == pg).Target)),
                plan.Written.Select(c => PostgresChunkSource.Converter(plan.Mapping.Source, c.Source, c.Target)).ToList()));
            return new VerificationPair(sourceProvider.Verification, targetProvider.Verification, fromPostgres,
                (_, _) => (sql, value) => PostgresSyntax.AppendString(sql, (string)value!),
                (plan, column) =>
                {
                    var convert = ChangeValues.For(plan.Mapping.Source, column.Source, column.Target);
                    return (sql, value) => SqlLiterals.AppendKey(sql, value is string text ? convert(text) : value);
                },
                plans => new SlotChangeFeed(Postgres(source), _task, _store, plans));
        }
        KeyLiterals targetKey = target.Kind == DataSourceKind.PostgreSql ? (plan, column) => new PostgresLiterals(plan.Mapping.Source, column.Source, column.Target).Append : mysqlKey;
        Func<ColumnSchema, ColumnTransfer> transfer = target.Kind == DataSourceKind.PostgreSql ? PostgresColumnTransfer.For : MySqlColumnTransfer.For;
        var forward = new RepairWay(Side.Source, targetProvider.Repairs,
            plan => new RepairColumns(new TableCopyPlan(plan.Mapping, plan.Table.Schema, plan.Written.Select(c => c.Source).ToList(), transfer)));
        // Between MySQL-family servers rows copy as stored bytes either way, so a repair can also make the source equal
        // to the target (a bidirectional task whose sides both write).
        var reverse = target.Kind == DataSourceKind.PostgreSql ? null : new RepairWay(Side.Target, sourceProvider.Repairs,
            plan => new RepairColumns(new TableCopyPlan(plan.Mapping, plan.Table.Schema, plan.Written.Select(c => c.Target).ToList(), MySqlColumnTransfer.For)));
        var password = _catalog.GetPassword(source.Name);
        return new VerificationPair(sourceProvider.Verification, targetProvider.Verification, forward, mysqlKey, targetKey,
            plans => new BinlogChangeFeed(new MySqlEndpoint(source, password), password, _task, _store, plans), reverse);
    }

    /// <summary>The target's tables the task's tables are written to, as the target has them now (absent ones left out).</summary>
    public Task<Dictionary<(string Database, string Table), TableSchema>> TargetTablesAsync(IEnumerable<TaskTable> tables, CancellationToken cancellationToken) =>
        WithSchemaAsync(Target, async reader =>
        {
            var found = new Dictionary<(string, string), TableSchema>();
            foreach (var database in tables.GroupBy(t => t.Mapping.TargetDatabase))
                foreach (var schema in await reader.ReadTablesAsync(database.Key, database.Select(t => t.Mapping.TargetTable).ToList(), cancellationToken).ConfigureAwait(false))
                    found[(schema.Database, schema.Name)] = schema;
            return found;
        }, cancellationToken);

    /// <summary>
    /// The forward pipeline of a task whose DDL is followed (between MySQL-family servers), built without reading the
    /// source's present tables; null for pairings without DDL synchronization.
    /// </summary>
    public ChangePipeline? ResumeWithDdl() =>
        Source.Kind.IsMySqlFamily() && Target.Kind.IsMySqlFamily() ? MySqlPipeline(Direction.Forward, Source, Target) : null;

    private ChangePipeline MySqlPipeline(Direction direction, DataSource reader, DataSource writer)
    {
        var (from, to) = (MySql(reader), MySql(writer));
        var password = _catalog.GetPassword(reader.Name);
        return new ChangePipeline(new BinlogChangeSource(from, password, _task, direction, _store, _log), new MySqlChangeTarget(to, _task, direction), null,
            () => new MySqlDdlSync(_task, direction, _store, from, password, to, _log), _task, direction, _store, _log);
    }

    /// <summary>
    /// The reverse direction of a bidirectional task: incremental only, from the task's target back to its source, on
    /// the forward tables mapped back through the renames: read as the target has them, written as the source has them.
    /// </summary>
    public async Task<(ChangePipeline Pipeline, IReadOnlyList<TaskTable> Reading, IReadOnlyList<TaskTable> Writing)> ReverseAsync(CancellationToken cancellationToken)
    {
        var (source, target) = (Source, Target);
        var resolved = await ResolveSourceAsync(cancellationToken).ConfigureAwait(false);
        // A table that joins the task is read from the moment the forward direction has made it on the target.
        var made = await WithSchemaAsync(target, reader => ReverseTablesAsync(reader, resolved.Tables, cancellationToken), cancellationToken).ConfigureAwait(false);
        var forward = resolved.Tables.Where(t => made.Any(r => r.Mapping.Source == t.Mapping.Target)).ToList();
        var reading = made;
        if (target.Kind == DataSourceKind.PostgreSql)
        {
            // The forward direction went MySQL to PostgreSQL: changes come back out of PostgreSQL's slot, in the source's own types.
            var writing = forward.Select(Reversed).ToList();
            var pipeline = new ChangePipeline(new PgOutputChangeSource(Postgres(target), _task, Direction.Reverse, _store, _log),
                new MySqlChangeTarget(MySql(source), _task, Direction.Reverse), new PostgresToMySqlValues(reading), null, _task, Direction.Reverse, _store, _log);
            return (pipeline, reading, writing);
        }
        if (source.Kind == DataSourceKind.PostgreSql)
        {
            // The forward direction went PostgreSQL to MySQL: changes come back from the binlog into the PostgreSQL tables they came from.
            var shapes = forward.ToDictionary(t => t.Mapping.Target, t => t.Schema, StringComparer.Ordinal);
            var pipeline = new ChangePipeline(new BinlogChangeSource(MySql(target), _catalog.GetPassword(target.Name), _task, Direction.Reverse, _store, _log),
                new PostgresChangeTarget(Postgres(source), _task, Direction.Reverse, shapes), null, null, _task, Direction.Reverse, _store, _log);
            return (pipeline, reading, reading);
        }
        return (MySqlPipeline(Direction.Reverse, target, source), reading, reading);
    }

    /// <summary>
    /// The forward tables seen from the other side: read on the target as it has them, written back to the source. A
    /// table the forward direction synchronizes that is missing there is an error; one it has not made yet (it joins
    /// the task) is left out until it has.
    /// </summary>
    private async Task<IReadOnlyList<TaskTable>> ReverseTablesAsync(ISchemaSource target, IReadOnlyList<TaskTable> forward, CancellationToken cancellationToken)
    {
        var synchronized = new RuntimeStore(_store).StreamTables(_task.Name, Direction.Forward)?.ToHashSet(StringComparer.Ordinal);
        var reversed = new List<TaskTable>();
        foreach (var group in forward.GroupBy(t => t.Mapping.TargetDatabase))
        {
            var schemas = await target.ReadTablesAsync(group.Key, group.Select(t => t.Mapping.TargetTable).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var table in group)
            {
                // The exact name first; a server that folds names' case (lower_case_table_names) reports them folded.
                var schema = schemas.FirstOrDefault(s => s.Name == table.Mapping.TargetTable)
                             ?? schemas.SingleOrDefault(s => string.Equals(s.Name, table.Mapping.TargetTable, StringComparison.OrdinalIgnoreCase));
                if (schema is null && synchronized is not null && !synchronized.Contains(table.Mapping.Source)) continue;
                if (schema is null)
                    throw new OmsException("TargetTableMissing", OmsErrorKind.NotFound, table.Mapping.Target,
                        $"Table '{table.Mapping.Target}' of task '{_task.Name}' is missing on the target, so the reverse direction cannot read it. Restore it, or remove the table from the task.");
                reversed.Add(Reversed(table) with { Schema = schema });
            }
        }
        return reversed;
    }

    /// <summary>A forward table with its mapping turned around: read where the forward direction writes, written where it reads.</summary>
    private static TaskTable Reversed(TaskTable table)
    {
        var mapping = table.Mapping with
        {
            SourceDatabase = table.Mapping.TargetDatabase, SourceTable = table.Mapping.TargetTable,
            TargetDatabase = table.Mapping.SourceDatabase, TargetTable = table.Mapping.SourceTable,
        };
        return new TaskTable(mapping, table.Schema, table.TargetOptions with { TargetDatabase = mapping.TargetDatabase, TargetTable = mapping.TargetTable });
    }
}
