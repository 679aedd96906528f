using OmsSync.Engine.Connections;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Schema.Postgres;
using OmsSync.Engine.State;
using OmsSync.Engine.Targets.Postgres;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// Runs the phases of a task between a MySQL-family server and PostgreSQL, in either direction: schema (types by
/// the documented map), full migration (COPY into PostgreSQL, LOAD DATA into MySQL), deferred indexes, incremental.
/// </summary>
internal sealed class PostgresTaskRunner
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly Action<string> _log;
    private readonly RuntimeStore _runtime;
    private readonly DataSourceCatalog _catalog;

    public PostgresTaskRunner(StateStore store, MigrationTask task, Direction direction, Action<string> log)
    {
        _store = store;
        _task = task;
        _direction = direction;
        _log = log;
        _runtime = new RuntimeStore(store);
        _catalog = new DataSourceCatalog(store);
    }

    /// <summary>Data verification compares MySQL-family servers' checksums; between MySQL and PostgreSQL it is not available yet.</summary>
    public static OmsException VerificationNotSupported(string task) =>
        new("VerificationNotSupported", OmsErrorKind.NotSupported, task,
            $"Task '{task}' has PostgreSQL on one side, and data verification between MySQL and PostgreSQL is not available yet. " +
            "Remove Verify from the task's -MigrationType with Set-OmsTask.");

    /// <summary>True when the task has PostgreSQL on either side, so this runner and not the MySQL one runs it.</summary>
    public static bool Handles(DataSourceCatalog catalog, MigrationTask task) =>
        catalog.Get(task.Source).Kind == DataSourceKind.PostgreSql || catalog.Get(task.Target).Kind == DataSourceKind.PostgreSql;

    /// <summary>The source and target of this direction: the reverse direction reads the task's target.</summary>
    private (DataSource Reader, DataSource Writer) Sides()
    {
        var (reader, writer) = _direction == Direction.Forward ? (_task.Source, _task.Target) : (_task.Target, _task.Source);
        return (_catalog.Get(reader), _catalog.Get(writer));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (reader, writer) = Sides();
        if (reader.Kind == DataSourceKind.PostgreSql && writer.Kind == DataSourceKind.PostgreSql)
            throw new OmsException("PostgresToPostgresNotSupported", OmsErrorKind.NotSupported, _task.Name,
                $"Task '{_task.Name}' copies PostgreSQL to PostgreSQL, which OmsSync does not do; use PostgreSQL's own logical replication.");
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Verify))
            throw VerificationNotSupported(_task.Name);
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        if (_direction == Direction.Reverse)
        {
            await RunReverseAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var phases = writer.Kind == DataSourceKind.PostgreSql
            ? await IntoPostgresAsync(new MySqlEndpoint(reader, _catalog.GetPassword(reader.Name)), new PostgresEndpoint(writer, _catalog.GetPassword(writer.Name)),
                cancellationToken).ConfigureAwait(false)
            : await FromPostgresAsync(new PostgresEndpoint(reader, _catalog.GetPassword(reader.Name)), new MySqlEndpoint(writer, _catalog.GetPassword(writer.Name)),
                cancellationToken).ConfigureAwait(false);
        await RunPhasesAsync(phases, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What each phase does for one direction; the phases run in the same order whichever side PostgreSQL is on.</summary>
    private sealed record Phases(
        TaskObjects Objects,
        Func<CancellationToken, Task> MigrateSchema,
        Func<CancellationToken, Task> VerifyTarget,
        Func<FullLoadRunner> FullLoad,
        Func<CancellationToken, Task> CreateDeferredIndexes,
        IncrementalPhase? Incremental);

    /// <summary>
    /// Incremental synchronization: where reading starts (recorded before the copy), where the copy ended, where a
    /// bidirectional task's reverse direction starts (recorded when the forward one enters its incremental phase), and the stream.
    /// </summary>
    private sealed record IncrementalPhase(
        Func<CancellationToken, Task> RecordStart,
        Func<CancellationToken, Task> MarkFullCopyEnd,
        Func<CancellationToken, Task> RecordReverseStart,
        Func<CancellationToken, Task> Run);

    private async Task RunPhasesAsync(Phases phases, CancellationToken cancellationToken)
    {
        var objects = phases.Objects;
        _log($"{objects.Tables.Count} table(s) selected" + (objects.Views.Count > 0 ? $"; {objects.Views.Count} view(s) left out (views are not migrated to or from PostgreSQL)" : ""));
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Schema);
            await phases.MigrateSchema(cancellationToken).ConfigureAwait(false);
            _log("schema migrated");
        }
        else
        {
            await phases.VerifyTarget(cancellationToken).ConfigureAwait(false);
        }

        // The start of incremental reading is recorded before the copy begins, so no write made during the copy is lost.
        if (phases.Incremental is { } start)
            await start.RecordStart(cancellationToken).ConfigureAwait(false);

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Full);
            await phases.FullLoad().RunAsync(objects.Tables.Select(t => (t.Mapping, t.Schema)).ToList(), cancellationToken).ConfigureAwait(false);
            _log("full migration done");
            if (_task.IndexMigration == IndexMigration.AfterFull && _task.MigrationTypes.HasFlag(MigrationTypes.Schema))
            {
                _runtime.SetPhase(_task.Name, _direction, TaskPhase.Index);
                await phases.CreateDeferredIndexes(cancellationToken).ConfigureAwait(false);
                _log("secondary indexes built");
            }
            if (phases.Incremental is { } copied)
                await copied.MarkFullCopyEnd(cancellationToken).ConfigureAwait(false);
        }

        if (phases.Incremental is { } incremental)
        {
            // The reverse direction starts from the target's position now: what the full copy wrote is behind it, and
            // everything the forward direction applies from here carries its marker.
            if (_task.Topology == Topology.Bidirectional)
                await incremental.RecordReverseStart(cancellationToken).ConfigureAwait(false);
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
            await incremental.Run(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Phases> IntoPostgresAsync(MySqlEndpoint source, PostgresEndpoint target, CancellationToken cancellationToken)
    {
        var objects = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
        await PreCheck.SourceReadiness.EnsureAsync(source, _task, objects.Tables, cancellationToken).ConfigureAwait(false);
        IncrementalPhase? incremental = null;
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
        {
            var runner = new IncrementalRunner(source, _catalog.GetPassword(source.Source.Name),
                new PostgresTargetApplier(target, _task, _direction, PostgresTargetApplier.Migrated(objects.Tables),
                    bidirectional: _task.Topology == Topology.Bidirectional), _task, _direction, _store, _log);
            incremental = new IncrementalPhase(token => runner.EnsureStartAsync(objects.Tables, token), runner.MarkFullCopyEndAsync,
                async token => await (await ReverseOutOfPostgresAsync(target, source, objects.Tables, token).ConfigureAwait(false)).EnsureStartAsync(token).ConfigureAwait(false),
                token => runner.RunAsync(objects.Tables, token));
        }
        return new Phases(objects,
            token => PostgresSchemaPhase.RunAsync(target, _task, objects, token),
            token => PostgresSchemaPhase.VerifyTargetAsync(target, objects, token),
            () => new FullLoadRunner(new MySqlChunkSource(source, PostgresColumnTransfer.For), new PostgresChunkTarget(target, _task),
                _task, _runtime, new ConflictLog(_store)),
            token => PostgresSchemaPhase.CreateDeferredIndexesAsync(target, objects, _task.WriteConcurrency, token),
            incremental);
    }

    private async Task<Phases> FromPostgresAsync(PostgresEndpoint source, MySqlEndpoint target, CancellationToken cancellationToken)
    {
        TaskObjects objects;
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
            objects = await TaskObjects.ResolveAsync(new PostgresSchemaReader(connection), _task, cancellationToken).ConfigureAwait(false);
        await PreCheck.SourceReadiness.EnsureAsync(source, _task, objects.Tables, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        // The MySQL side of OmsSync works on the tables as they are to be on MySQL; the copy reads them as they are on PostgreSQL.
        var shaped = Sources.Postgres.MySqlShapes.Of(objects, target.Source.Kind, problems);
        if (problems.Count > 0)
            throw new OmsException("TargetSchemaIncompatible", OmsErrorKind.InvalidState, objects.Tables.FirstOrDefault()?.Mapping.Target,
                string.Join(Environment.NewLine, problems));
        IncrementalPhase? incremental = null;
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
        {
            var capture = new Sources.Postgres.PostgresCaptureRunner(source, target, _task, _direction, _store, _log, objects.Tables, shaped.Tables);
            incremental = new IncrementalPhase(capture.EnsureStartAsync, capture.MarkFullCopyEndAsync,
                async token =>
                {
                    var (runner, tables) = await ReverseIntoPostgresAsync(target, source, objects.Tables, token).ConfigureAwait(false);
                    await runner.EnsureStartAsync(tables, token).ConfigureAwait(false);
                },
                capture.RunAsync);
        }
        return new Phases(objects,
            token => SchemaPhase.RunAsync(target, _task, shaped, token),
            token => SchemaPhase.VerifyTargetAsync(target, shaped, token),
            () => new FullLoadRunner(new Sources.Postgres.PostgresChunkSource(source, shaped), new MySqlChunkTarget(target, _task, lookup: null),
                _task, _runtime, new ConflictLog(_store)),
            token => SchemaPhase.CreateDeferredIndexesAsync(target, shaped, _task.WriteConcurrency, token),
            incremental);
    }

    /// <summary>
    /// The reverse direction of a bidirectional task: incremental DML only, from the task's target back to its source,
    /// on the forward tables mapped back, from the position the forward direction recorded.
    /// </summary>
    private async Task RunReverseAsync(CancellationToken cancellationToken)
    {
        if (_task.Topology != Topology.Bidirectional)
            throw new OmsException("TaskNotBidirectional", OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' is one-way; only a task created with -Topology Bidirectional has a reverse direction.");
        var (reader, writer) = Sides();
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
        if (reader.Kind == DataSourceKind.PostgreSql)
        {
            // The forward direction went MySQL to PostgreSQL: changes come back out of PostgreSQL's slot.
            var source = new MySqlEndpoint(writer, _catalog.GetPassword(writer.Name));
            var forward = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
            var capture = await ReverseOutOfPostgresAsync(new PostgresEndpoint(reader, _catalog.GetPassword(reader.Name)), source, forward.Tables, cancellationToken).ConfigureAwait(false);
            await EnsureReverseStartedAsync(capture.HasCheckpointAsync, cancellationToken).ConfigureAwait(false);
            await capture.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The forward direction went PostgreSQL to MySQL: changes come back from the MySQL binlog into PostgreSQL.
            var source = new PostgresEndpoint(writer, _catalog.GetPassword(writer.Name));
            TaskObjects forward;
            await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
                forward = await TaskObjects.ResolveAsync(new PostgresSchemaReader(connection), _task, cancellationToken).ConfigureAwait(false);
            var (runner, tables) = await ReverseIntoPostgresAsync(new MySqlEndpoint(reader, _catalog.GetPassword(reader.Name)), source, forward.Tables, cancellationToken)
                .ConfigureAwait(false);
            await EnsureReverseStartedAsync(async token =>
            {
                await using var connection = await source.OpenAsync(token).ConfigureAwait(false);
                return await PostgresCheckpointStore.ExistsAsync(connection, _task.OmsKey, Direction.Reverse, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            await runner.RunAsync(tables, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureReverseStartedAsync(Func<CancellationToken, Task<bool>> recorded, CancellationToken cancellationToken)
    {
        if (!await recorded(cancellationToken).ConfigureAwait(false))
            throw new OmsException("ReverseNotReady", OmsErrorKind.InvalidState, _task.Name,
                $"The reverse direction of task '{_task.Name}' has no start position yet: it is recorded when the forward direction enters its incremental phase. " +
                "Wait for Get-OmsTask to show the forward direction in phase Incremental, then run Enable-OmsReverse.");
    }

    /// <summary>
    /// The reverse of a MySQL-to-PostgreSQL task: PostgreSQL's changes to the forward target tables, read through the
    /// task's reverse slot, written back to the MySQL tables they came from (whose own types the values are turned into).
    /// </summary>
    private async Task<Sources.Postgres.PostgresCaptureRunner> ReverseOutOfPostgresAsync(PostgresEndpoint postgres, MySqlEndpoint mysql,
        IReadOnlyList<TaskTable> forward, CancellationToken cancellationToken)
    {
        await using var connection = await postgres.OpenAsync(cancellationToken).ConfigureAwait(false);
        var reading = await ReverseTablesAsync(new PostgresSchemaReader(connection), forward, cancellationToken).ConfigureAwait(false);
        var writing = forward.Select(Reversed).ToList();
        return new Sources.Postgres.PostgresCaptureRunner(postgres, mysql, _task, Direction.Reverse, _store, _log, reading, writing);
    }

    /// <summary>
    /// The reverse of a PostgreSQL-to-MySQL task: the MySQL binlog's changes to the forward target tables, written back to
    /// the PostgreSQL tables they came from.
    /// </summary>
    private async Task<(IncrementalRunner Runner, IReadOnlyList<TaskTable> Tables)> ReverseIntoPostgresAsync(MySqlEndpoint mysql, PostgresEndpoint postgres,
        IReadOnlyList<TaskTable> forward, CancellationToken cancellationToken)
    {
        IReadOnlyList<TaskTable> reading;
        await using (var connection = await mysql.OpenAsync(cancellationToken).ConfigureAwait(false))
            reading = await ReverseTablesAsync(new MySqlSchemaReader(connection), forward, cancellationToken).ConfigureAwait(false);
        var shapes = forward.ToDictionary(t => t.Mapping.Target, t => t.Schema, StringComparer.Ordinal);
        var runner = new IncrementalRunner(mysql, _catalog.GetPassword(mysql.Source.Name), new PostgresTargetApplier(postgres, _task, Direction.Reverse, shapes, bidirectional: true),
            _task, Direction.Reverse, _store, _log);
        return (runner, reading);
    }

    /// <summary>The forward tables seen from the other side: read on the target as it has them, written back to the source.</summary>
    private async Task<IReadOnlyList<TaskTable>> ReverseTablesAsync(ISchemaSource target, IReadOnlyList<TaskTable> forward, CancellationToken cancellationToken)
    {
        var reversed = new List<TaskTable>();
        foreach (var group in forward.GroupBy(t => t.Mapping.TargetDatabase))
        {
            var schemas = (await target.ReadTablesAsync(group.Key, group.Select(t => t.Mapping.TargetTable).ToList(), cancellationToken).ConfigureAwait(false))
                .ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var table in group)
            {
                if (!schemas.TryGetValue(table.Mapping.TargetTable, out var schema))
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
