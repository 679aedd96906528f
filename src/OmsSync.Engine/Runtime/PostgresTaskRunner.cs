using OmsSync.Engine.Connections;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
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
        if (writer.Kind == DataSourceKind.PostgreSql)
            await IntoPostgresAsync(new MySqlEndpoint(reader, _catalog.GetPassword(reader.Name)), new PostgresEndpoint(writer, _catalog.GetPassword(writer.Name)),
                cancellationToken).ConfigureAwait(false);
        else
            await FromPostgresAsync(new PostgresEndpoint(reader, _catalog.GetPassword(reader.Name)), new MySqlEndpoint(writer, _catalog.GetPassword(writer.Name)),
                cancellationToken).ConfigureAwait(false);
    }

    private async Task IntoPostgresAsync(MySqlEndpoint source, PostgresEndpoint target, CancellationToken cancellationToken)
    {
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        var objects = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
        LogSelected(objects);

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Schema);
            await PostgresSchemaPhase.RunAsync(target, _task, objects, cancellationToken).ConfigureAwait(false);
            _log("schema migrated");
        }
        else
        {
            await PostgresSchemaPhase.VerifyTargetAsync(target, objects, cancellationToken).ConfigureAwait(false);
        }

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Full);
            var runner = new FullLoadRunner(new MySqlChunkSource(source, PostgresColumnTransfer.For), new PostgresChunkTarget(target, _task),
                _task, _runtime, new ConflictLog(_store));
            await runner.RunAsync(objects.Tables.Select(t => (t.Mapping, t.Schema)).ToList(), cancellationToken).ConfigureAwait(false);
            _log("full migration done");
            if (_task.IndexMigration == IndexMigration.AfterFull && _task.MigrationTypes.HasFlag(MigrationTypes.Schema))
            {
                _runtime.SetPhase(_task.Name, _direction, TaskPhase.Index);
                await PostgresSchemaPhase.CreateDeferredIndexesAsync(target, objects, _task.WriteConcurrency, cancellationToken).ConfigureAwait(false);
                _log("secondary indexes built");
            }
        }
    }

    private async Task FromPostgresAsync(PostgresEndpoint source, MySqlEndpoint target, CancellationToken cancellationToken)
    {
        _runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        TaskObjects objects;
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
            objects = await TaskObjects.ResolveAsync(new PostgresSchemaReader(connection), _task, cancellationToken).ConfigureAwait(false);
        LogSelected(objects);
        var problems = new List<string>();
        var shaped = Sources.Postgres.MySqlShapes.Of(objects, target.Source.Kind, problems);
        if (problems.Count > 0)
            throw new OmsException("TargetSchemaIncompatible", OmsErrorKind.InvalidState, objects.Tables.FirstOrDefault()?.Mapping.Target,
                string.Join(Environment.NewLine, problems));

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Schema);
            await SchemaPhase.RunAsync(target, _task, shaped, cancellationToken).ConfigureAwait(false);
            _log("schema migrated");
        }
        else
        {
            await SchemaPhase.VerifyTargetAsync(target, shaped, cancellationToken).ConfigureAwait(false);
        }

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            _runtime.SetPhase(_task.Name, _direction, TaskPhase.Full);
            var runner = new FullLoadRunner(new Sources.Postgres.PostgresChunkSource(source, shaped), new MySqlChunkTarget(target, _task, lookup: null),
                _task, _runtime, new ConflictLog(_store));
            await runner.RunAsync(objects.Tables.Select(t => (t.Mapping, t.Schema)).ToList(), cancellationToken).ConfigureAwait(false);
            _log("full migration done");
            if (_task.IndexMigration == IndexMigration.AfterFull && _task.MigrationTypes.HasFlag(MigrationTypes.Schema))
            {
                _runtime.SetPhase(_task.Name, _direction, TaskPhase.Index);
                await SchemaPhase.CreateDeferredIndexesAsync(target, shaped, _task.WriteConcurrency, cancellationToken).ConfigureAwait(false);
                _log("secondary indexes built");
            }
        }
    }

    private void LogSelected(TaskObjects objects) =>
        _log($"{objects.Tables.Count} table(s) selected" + (objects.Views.Count > 0 ? $"; {objects.Views.Count} view(s) left out (views are not migrated to or from PostgreSQL)" : ""));
}
