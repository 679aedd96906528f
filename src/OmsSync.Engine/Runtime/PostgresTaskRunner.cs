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
        if (_task.Topology == Topology.Bidirectional)
            throw new OmsException("BidirectionalPostgresNotSupported", OmsErrorKind.NotSupported, _task.Name,
                $"Task '{_task.Name}' is bidirectional between MySQL and PostgreSQL, which OmsSync does not do yet. Use two one-way tasks only for disjoint tables, or -Topology OneWay.");
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
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

    /// <summary>Incremental synchronization: where reading starts (recorded before the copy), where the copy ended, and the stream.</summary>
    private sealed record IncrementalPhase(
        Func<CancellationToken, Task> RecordStart,
        Func<CancellationToken, Task> MarkFullCopyEnd,
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
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
            await incremental.Run(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Phases> IntoPostgresAsync(MySqlEndpoint source, PostgresEndpoint target, CancellationToken cancellationToken)
    {
        var objects = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
        IncrementalPhase? incremental = null;
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
        {
            var runner = new IncrementalRunner(source, _catalog.GetPassword(source.Source.Name),
                new PostgresTargetApplier(target, _task.Name, _direction, objects), _task, _direction, _store, _log);
            incremental = new IncrementalPhase(token => runner.EnsureStartAsync(objects.Tables, token), runner.MarkFullCopyEndAsync, token => runner.RunAsync(objects.Tables, token));
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
        var problems = new List<string>();
        // The MySQL side of OmsSync works on the tables as they are to be on MySQL; the copy reads them as they are on PostgreSQL.
        var shaped = Sources.Postgres.MySqlShapes.Of(objects, target.Source.Kind, problems);
        if (problems.Count > 0)
            throw new OmsException("TargetSchemaIncompatible", OmsErrorKind.InvalidState, objects.Tables.FirstOrDefault()?.Mapping.Target,
                string.Join(Environment.NewLine, problems));
        IncrementalPhase? incremental = null;
        if (_task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
        {
            var capture = new Sources.Postgres.PostgresCaptureRunner(source, target, _task, _direction, _store, _log, objects, shaped);
            incremental = new IncrementalPhase(capture.EnsureStartAsync, capture.MarkFullCopyEndAsync, capture.RunAsync);
        }
        return new Phases(objects,
            token => SchemaPhase.RunAsync(target, _task, shaped, token),
            token => SchemaPhase.VerifyTargetAsync(target, shaped, token),
            () => new FullLoadRunner(new Sources.Postgres.PostgresChunkSource(source, shaped), new MySqlChunkTarget(target, _task, lookup: null),
                _task, _runtime, new ConflictLog(_store)),
            token => SchemaPhase.CreateDeferredIndexesAsync(target, shaped, _task.WriteConcurrency, token),
            incremental);
    }
}
