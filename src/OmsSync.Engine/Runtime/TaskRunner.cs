using MySqlConnector;
using OmsSync.Engine.Connections;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>Runs a task's phases in order for one direction: schema, full migration, deferred indexes, incremental.</summary>
public sealed class TaskRunner
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly Action<string> _log;

    public TaskRunner(StateStore store, MigrationTask task, Direction direction, Action<string> log)
    {
        _store = store;
        _task = task;
        _direction = direction;
        _log = log;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var catalog = new DataSourceCatalog(_store);
        if (PostgresTaskRunner.Handles(catalog, _task))
        {
            await new PostgresTaskRunner(_store, _task, _direction, _log).RunAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var runtime = new RuntimeStore(_store);
        var source = new MySqlEndpoint(catalog.Get(_task.Source), catalog.GetPassword(_task.Source));
        var target = new MySqlEndpoint(catalog.Get(_task.Target), catalog.GetPassword(_task.Target));

        runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        var objects = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
        _log($"{objects.Tables.Count} table(s), {objects.Views.Count} view(s) selected");

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Schema))
        {
            runtime.SetPhase(_task.Name, _direction, TaskPhase.Schema);
            await SchemaPhase.RunAsync(target, _task, objects, cancellationToken).ConfigureAwait(false);
            _log("schema migrated");
        }
        else
        {
            await SchemaPhase.VerifyTargetAsync(target, objects, cancellationToken).ConfigureAwait(false);
        }

        var sourcePassword = catalog.GetPassword(_task.Source);
        var incremental = _task.MigrationTypes.HasFlag(MigrationTypes.Incremental)
            ? new IncrementalRunner(source, sourcePassword, target, _task, _direction, _store, _log)
            : null;
        // The start of incremental reading is recorded before the copy begins, so no write made during the copy is lost.
        if (incremental is not null)
            await incremental.EnsureStartAsync(objects, cancellationToken).ConfigureAwait(false);

        if (_task.MigrationTypes.HasFlag(MigrationTypes.Full))
        {
            runtime.SetPhase(_task.Name, _direction, TaskPhase.Full);
            var runner = new FullLoadRunner(source, target, _task, runtime, new ConflictLog(_store));
            await runner.RunAsync(objects.Tables.Select(t => (t.Mapping, t.Schema)).ToList(), cancellationToken).ConfigureAwait(false);
            _log("full migration done");
            if (_task.IndexMigration == IndexMigration.AfterFull && _task.MigrationTypes.HasFlag(MigrationTypes.Schema))
            {
                runtime.SetPhase(_task.Name, _direction, TaskPhase.Index);
                await SchemaPhase.CreateDeferredIndexesAsync(target, objects, _task.WriteConcurrency, cancellationToken).ConfigureAwait(false);
                _log("secondary indexes built");
            }
            if (incremental is not null)
                await incremental.MarkFullCopyEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (incremental is not null)
        {
            runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
            await incremental.RunAsync(objects, cancellationToken).ConfigureAwait(false);
        }
    }
}
