using MySqlConnector;
using OmsSync.Engine.Connections;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>Runs a task's phases in order for one direction: schema, full migration, deferred indexes, verification, incremental.</summary>
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

        if (_direction == Direction.Reverse)
        {
            await RunReverseAsync(catalog, runtime, source, target, cancellationToken).ConfigureAwait(false);
            return;
        }

        runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        if (await ResumeWithDdlAsync(catalog, runtime, source, target, cancellationToken).ConfigureAwait(false)) return;
        var objects = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
        _log($"{objects.Tables.Count} table(s), {objects.Views.Count} view(s) selected");
        await PreCheck.SourceReadiness.EnsureAsync(source, _task, objects.Tables, cancellationToken).ConfigureAwait(false);

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
            await incremental.EnsureStartAsync(objects.Tables, cancellationToken).ConfigureAwait(false);

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

        var verify = _task.MigrationTypes.HasFlag(MigrationTypes.Verify) && _direction == Direction.Forward;
        if (verify && incremental is null)
        {
            runtime.SetPhase(_task.Name, _direction, TaskPhase.Verify);
            await Verification.VerificationPhase.RunAsync(_store, _task, _log, cancellationToken).ConfigureAwait(false);
        }

        if (incremental is not null)
        {
            // The reverse direction of a bidirectional task starts from the target's position now: what the
            // full copy wrote is behind it, and everything the forward direction applies from here carries its marker.
            if (_task.Topology == Topology.Bidirectional)
                await ReverseIncremental(catalog, source, target).EnsureStartAsync(
                    await ReverseTablesAsync(source, target, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
            // With incremental synchronization the verification runs beside it: rows in flight are re-read after the lag.
            using var stopVerifying = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var verifying = verify ? Verification.VerificationPhase.BesideAsync(_store, _task, _log, stopVerifying.Token) : Task.CompletedTask;
            try
            {
                await incremental.RunAsync(objects.Tables, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                stopVerifying.Cancel();
                await verifying.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A task with DDL synchronization that has finished its copy resumes straight into incremental synchronization:
    /// its tables are those its schema history holds at the checkpoint, which DDL may have made differ from the
    /// source's present ones (so schema checks and the rules against the source would be wrong now).
    /// </summary>
    private async Task<bool> ResumeWithDdlAsync(DataSourceCatalog catalog, RuntimeStore runtime, MySqlEndpoint source, MySqlEndpoint target,
        CancellationToken cancellationToken)
    {
        if (!_task.IncrementalDdl || !_task.MigrationTypes.HasFlag(MigrationTypes.Incremental)) return false;
        var incremental = new IncrementalRunner(source, catalog.GetPassword(_task.Source), target, _task, _direction, _store, _log);
        if (!await incremental.IsPastFullCopyAsync(cancellationToken).ConfigureAwait(false)) return false;
        if (_task.Topology == Topology.Bidirectional)
        {
            var reverse = ReverseIncremental(catalog, source, target);
            if (!await reverse.IsPastFullCopyAsync(cancellationToken).ConfigureAwait(false))
                await reverse.EnsureStartAsync(await ReverseTablesAsync(source, target, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        _log("resuming incremental synchronization from the checkpoint");
        runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
        await incremental.RunAsync([], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The reverse direction: incremental DML only, from the task's target back to its source, on the forward
    /// task's tables mapped back through its renames, from the position the forward direction recorded.
    /// </summary>
    private async Task RunReverseAsync(DataSourceCatalog catalog, RuntimeStore runtime, MySqlEndpoint source, MySqlEndpoint target, CancellationToken cancellationToken)
    {
        runtime.SetPhase(_task.Name, _direction, TaskPhase.PreCheck);
        if (_task.Topology != Topology.Bidirectional)
            throw new Errors.OmsException("TaskNotBidirectional", Errors.OmsErrorKind.InvalidState, _task.Name,
                $"Task '{_task.Name}' is one-way; only a task created with -Topology Bidirectional has a reverse direction.");
        var tables = await ReverseTablesAsync(source, target, cancellationToken).ConfigureAwait(false);
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await Targets.MySql.OmsControlSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
            if (await Targets.MySql.CheckpointStore.ReadAsync(connection, _task.OmsKey, Direction.Reverse, cancellationToken).ConfigureAwait(false) is null)
                throw new Errors.OmsException("ReverseNotReady", Errors.OmsErrorKind.InvalidState, _task.Name,
                    $"The reverse direction of task '{_task.Name}' has no start position yet: it is recorded when the forward direction enters its incremental phase. " +
                    "Wait for Get-OmsTask to show the forward direction in phase Incremental, then run Enable-OmsReverse.");
        }
        runtime.SetPhase(_task.Name, _direction, TaskPhase.Incremental);
        await ReverseIncremental(catalog, source, target).RunAsync(tables, cancellationToken,
            token => ReverseTablesAsync(source, target, token)).ConfigureAwait(false);
    }

    private IncrementalRunner ReverseIncremental(DataSourceCatalog catalog, MySqlEndpoint source, MySqlEndpoint target) =>
        new(target, catalog.GetPassword(_task.Target), source, _task, Direction.Reverse, _store, _log);

    /// <summary>The forward tables seen from the other side: read on the target, written back to the source.</summary>
    private async Task<IReadOnlyList<TaskTable>> ReverseTablesAsync(MySqlEndpoint source, MySqlEndpoint target, CancellationToken cancellationToken)
    {
        var forward = await TaskObjects.ResolveAsync(source, _task, cancellationToken).ConfigureAwait(false);
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var reader = new MySqlSchemaReader(connection);
        var reversed = new List<TaskTable>();
        foreach (var group in forward.Tables.GroupBy(t => t.Mapping.TargetDatabase))
        {
            var schemas = (await reader.ReadTablesAsync(group.Key, group.Select(t => t.Mapping.TargetTable).ToList(), cancellationToken).ConfigureAwait(false))
                .ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var table in group)
            {
                if (!schemas.TryGetValue(table.Mapping.TargetTable, out var schema))
                    throw new Errors.OmsException("TargetTableMissing", Errors.OmsErrorKind.NotFound, table.Mapping.Target,
                        $"Table '{table.Mapping.Target}' of task '{_task.Name}' is missing on the target, so the reverse direction cannot read it. Restore it, or remove the table from the task.");
                var mapping = table.Mapping with
                {
                    SourceDatabase = table.Mapping.TargetDatabase, SourceTable = table.Mapping.TargetTable,
                    TargetDatabase = table.Mapping.SourceDatabase, TargetTable = table.Mapping.SourceTable,
                };
                reversed.Add(new TaskTable(mapping, schema, table.TargetOptions with { TargetDatabase = mapping.TargetDatabase, TargetTable = mapping.TargetTable }));
            }
        }
        return reversed;
    }
}
