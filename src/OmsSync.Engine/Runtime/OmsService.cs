using System.Diagnostics;
using OmsSync.Engine.MySql;
using OmsSync.Engine.Postgres;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// The engine's front door for the cmdlets: catalogs, pre-checks and worker control over one state store.
/// </summary>
public sealed class OmsService
{
    internal OmsService(StateStore store)
    {
        Store = store;
        DataSources = new DataSourceCatalog(store);
        Tasks = new TaskCatalog(store);
        Runtime = new RuntimeStore(store);
        Conflicts = new ConflictLog(store);
        DdlLog = new DdlLog(store);
    }

    public StateStore Store { get; }
    public OmsHome Home => Store.Home;
    public DataSourceCatalog DataSources { get; }
    public TaskCatalog Tasks { get; }
    public RuntimeStore Runtime { get; }
    public ConflictLog Conflicts { get; }
    public DdlLog DdlLog { get; }

    public static OmsService Open(OmsHome? home = null) => new(StateStore.Open(home ?? OmsHome.Default()));

    public MySqlEndpoint Endpoint(string dataSource, int? maxPoolSize = null)
    {
        var source = DataSources.Get(dataSource);
        if (!source.Kind.IsMySqlFamily())
            throw new OmsException("DataSourceKindNotSupported", OmsErrorKind.NotSupported, source.Name,
                $"Data source '{source.Name}' is {source.Kind}; this operation needs a MySQL-family data source.");
        return new MySqlEndpoint(source, DataSources.GetPassword(source.Name), maxPoolSize);
    }

    public PostgresEndpoint PostgresEndpoint(string dataSource, int? maxPoolSize = null)
    {
        var source = DataSources.Get(dataSource);
        if (source.Kind != DataSourceKind.PostgreSql)
            throw new OmsException("DataSourceKindNotSupported", OmsErrorKind.NotSupported, source.Name,
                $"Data source '{source.Name}' is {source.Kind}; this operation needs a PostgreSQL data source.");
        return new PostgresEndpoint(source, DataSources.GetPassword(source.Name), maxPoolSize);
    }

    /// <summary>The data source as a server of its kind.</summary>
    internal Pipeline.IProvider Provider(string dataSource)
    {
        var source = DataSources.Get(dataSource);
        return Pipeline.Providers.For(source, DataSources.GetPassword(source.Name));
    }

    /// <summary>The task's objects as they are now on its source, whichever kind of server it is.</summary>
    public Task<TaskObjects> ResolveObjectsAsync(MigrationTask task, CancellationToken cancellationToken) =>
        Provider(task.Source).ReadSchemaAsync(reader => TaskObjects.ResolveAsync(reader, task, cancellationToken), cancellationToken);

    /// <summary>Opens and closes one connection to the data source, whatever its kind; throws the connection's error.</summary>
    public Task ConnectAsync(string dataSource, CancellationToken cancellationToken) => Provider(dataSource).ConnectAsync(cancellationToken);

    public Task<IReadOnlyList<CheckResult>> TestDataSourceAsync(string name, DataSourceRole role, CancellationToken cancellationToken) =>
        Provider(name).TestAsync(role, cancellationToken);

    public Task<IReadOnlyList<CheckResult>> TestTaskAsync(string name, CancellationToken cancellationToken) =>
        TaskChecks.RunAsync(this, Tasks.Get(name), cancellationToken);

    /// <summary>True when a live worker holds the task's direction.</summary>
    public bool IsWorkerAlive(string task, Direction direction) => WorkerLock.IsHeld(Home, task, direction);

    /// <summary>
    /// The task's runtime state, corrected for a worker that died without saying so: a Running status
    /// with no live worker is reported as Failed with the reason.
    /// </summary>
    public TaskRuntime Status(string task, Direction direction)
    {
        var state = Runtime.Get(task, direction);
        if (state.Status == Model.TaskStatus.Running && !IsWorkerAlive(task, direction) && !IsLaunching(state))
        {
            // Re-read: the worker may have written its final status between the two looks.
            state = Runtime.Get(task, direction);
            if (state.Status == Model.TaskStatus.Running && !IsWorkerAlive(task, direction))
                return state with
                {
                    Status = Model.TaskStatus.Failed,
                    Message = $"The worker (pid {state.WorkerPid}) is gone without a final word (killed, or the host restarted). " +
                              "Start it again with Start-OmsForward or Resume-OmsTask: it resumes from its checkpoint.",
                };
        }
        return state;
    }

    private static bool IsLaunching(TaskRuntime state) => WorkerLauncher.IsLaunching(state.WorkerPid, state.Heartbeat);

    /// <summary>Launches a worker for the task's direction unless one runs; returns its process id.</summary>
    public int StartWorker(string task, Direction direction)
    {
        var definition = Tasks.Get(task);
        // A worker that has recorded its end (suspended, stopped, completed, failed) holds its lock a moment longer while
        // it exits: a start right after it waits for that rather than refusing.
        var exiting = Stopwatch.StartNew();
        while (Runtime.Get(definition.Name, direction).Status is not Model.TaskStatus.Running && IsWorkerAlive(definition.Name, direction)
               && exiting.Elapsed < TimeSpan.FromSeconds(15))
            Thread.Sleep(100);
        if (IsWorkerAlive(definition.Name, direction) || IsLaunching(Runtime.Get(definition.Name, direction)))
            throw new OmsException("TaskAlreadyRunning", OmsErrorKind.InvalidState, definition.Name,
                $"Task '{definition.Name}' ({direction}) already has a running worker. Watch it with Get-OmsTask, or stop it with Stop-OmsTask.");
        Runtime.Request(definition.Name, direction, null);
        Runtime.SetStatus(definition.Name, direction, Model.TaskStatus.Running, message: "Starting.", clearMessage: true);
        using var process = WorkerLauncher.Launch(Home, definition.Name, direction);
        Runtime.MarkLaunched(definition.Name, direction, process.Id);
        EnsureSupervisor();
        return process.Id;
    }

    /// <summary>
    /// Forgets where the task's incremental reading stands (its checkpoint on the target and its schema
    /// history), so the next start begins again from the task's -StartTimestamp. The task must not be running.
    /// </summary>
    public async Task ResetIncrementalStartAsync(string task, CancellationToken cancellationToken)
    {
        var definition = Tasks.Get(task);
        if (IsWorkerAlive(definition.Name, Direction.Forward))
            throw new OmsException("TaskRunning", OmsErrorKind.InvalidState, definition.Name,
                $"Task '{definition.Name}' is running; suspend it before resetting its incremental start.");
        await Provider(definition.Target).ForgetCheckpointAsync(definition, Direction.Forward, cancellationToken).ConfigureAwait(false);
        new SchemaHistory(Store).Forget(definition.Name, Direction.Forward);
    }

    /// <summary>
    /// Drops what the task keeps on a PostgreSQL server it reads changes from: the replication slot (which holds
    /// WAL back while it exists) and the publication of each direction. Nothing to do for MySQL-family sources.
    /// </summary>
    public async Task ReleaseSourceAsync(string task, CancellationToken cancellationToken)
    {
        var definition = Tasks.Get(task);
        foreach (var (direction, reader) in new[] { (Direction.Forward, definition.Source), (Direction.Reverse, definition.Target) })
            if (direction == Direction.Forward || definition.Topology == Topology.Bidirectional)
                await Provider(reader).ReleaseChangeSourceAsync(definition, direction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes what the task left in the `oms` control tables of both its servers (chunk marks, checkpoints, lane rows,
    /// loop markers, DDL progress, heartbeats; DDL scratch databases), for its incarnation only. Returns, per server it
    /// could not clean, what was left there and why; those rows are harmless to any later task (they carry this
    /// incarnation's key) and may be deleted by hand.
    /// </summary>
    public async Task<IReadOnlyList<TaskLeftover>> ForgetOnServersAsync(string task, CancellationToken cancellationToken)
    {
        var definition = Tasks.Get(task);
        var leftovers = new List<TaskLeftover>();
        foreach (var name in new[] { definition.Source, definition.Target })
        {
            var source = DataSources.Get(name);
            try
            {
                await Provider(name).ForgetTaskAsync(definition, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OmsException or System.Data.Common.DbException)
            {
                leftovers.Add(new TaskLeftover(source.Name,
                    $"rows with task = '{definition.OmsKey}' in the `oms` tables of data source '{source.Name}' ({source.Endpoint})", e.Message));
            }
        }
        return leftovers;
    }

    /// <summary>
    /// Skips the DDL the task's forward direction is paused at (OMS "skip DDL"): records it as skipped in the DDL
    /// log and moves the checkpoint on the target past it, without applying it. The task must not be running;
    /// start it again afterwards (Resume).
    /// </summary>
    public async Task<Ddl.DdlRecord> SkipDdlAsync(string task, CancellationToken cancellationToken)
    {
        var definition = Tasks.Get(task);
        if (IsWorkerAlive(definition.Name, Direction.Forward))
            throw new OmsException("TaskRunning", OmsErrorKind.InvalidState, definition.Name,
                $"Task '{definition.Name}' is running, so it is not paused at a DDL. Skip-OmsDdl acts on a task suspended at a DDL (Get-OmsTask shows the statement).");
        var paused = DdlLog.Paused(definition.Name, Direction.Forward)
            ?? throw new OmsException("NoPausedDdl", OmsErrorKind.InvalidState, definition.Name,
                $"Task '{definition.Name}' is not paused at a DDL, so there is nothing to skip. Get-OmsDdl -Name '{definition.Name}' lists the DDL it met.");
        await Provider(definition.Target).SkipDdlAsync(definition, paused, cancellationToken).ConfigureAwait(false);
        var skipped = paused with { Outcome = Ddl.DdlOutcome.Skipped, Reason = $"Skipped with Skip-OmsDdl; it was paused because {paused.Reason}", Time = DateTimeOffset.UtcNow };
        DdlLog.Record(skipped);
        return skipped;
    }

    /// <summary>Starts the home's supervisor unless one runs (it holds its lock while it lives).</summary>
    public void EnsureSupervisor()
    {
        if (WorkerLock.IsNamedHeld(Home, Supervisor.LockName)) return;
        using var _ = WorkerLauncher.LaunchSupervisor(Home);
    }

    /// <summary>Asks the worker to stop at a safe point (a chunk or transaction boundary) and waits for it.</summary>
    public async Task<TaskRuntime> RequestAsync(string task, Direction direction, WorkerRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        var definition = Tasks.Get(task);
        if (!IsWorkerAlive(definition.Name, direction))
        {
            // Nothing runs: record the decision so that Get-OmsTask and the supervisor see it.
            var state = Status(definition.Name, direction);
            if (request == WorkerRequest.Stop && state.Status != Model.TaskStatus.Completed)
                Runtime.SetStatus(definition.Name, direction, Model.TaskStatus.Stopped, message: "Stopped; no worker was running.", clearMessage: true);
            else if (request == WorkerRequest.Suspend && state.Status == Model.TaskStatus.Failed && state.WorkerPid is not null)
                Runtime.SetStatus(definition.Name, direction, Model.TaskStatus.Suspended, message: "Suspended; no worker was running.", clearMessage: true);
            return Status(definition.Name, direction);
        }
        var pid = Runtime.Get(definition.Name, direction).WorkerPid;
        Runtime.Request(definition.Name, direction, request);
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline && IsWorkerAlive(definition.Name, direction))
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        // The worker lets go of its task a moment before its process ends: the caller gets control back once it has.
        if (!IsWorkerAlive(definition.Name, direction) && pid is { } worker)
            await WorkerLauncher.WaitForExitAsync(worker, deadline - DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
        return Status(definition.Name, direction);
    }
}

/// <summary>What removing a task left on a data source (<see cref="OmsService.ForgetOnServersAsync"/>), and why.</summary>
public sealed record TaskLeftover(string DataSource, string What, string Reason);

/// <summary>What a data source is to be checked for. ReverseTarget: a bidirectional task's source, written by the reverse direction.</summary>
[Flags]
public enum DataSourceRole { Any = 0, Source = 1, Target = 2, IncrementalSource = 4, ReverseTarget = 8 }
