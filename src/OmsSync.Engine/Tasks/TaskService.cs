using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// Defining, changing, reading and removing tasks: every rule a task's definition follows is checked here,
/// before anything is stored, whoever asks (the cmdlets, scripts, tests).
/// </summary>
public sealed class TaskService
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);
    /// <summary>The options a running task takes up without a restart.</summary>
    // The rate limits reach a running worker (it looks every second), and so do its objects (it runs its phases again with them).
    private static readonly string[] LiveOptions = ["RowsPerSecond", "BytesPerSecond", "Include", "Exclude", "Rename", "RowFilter", "Column"];
    private readonly OmsService _service;

    public TaskService(OmsService service) => _service = service;

    /// <summary>One direction of the task as it stands; per-table progress belongs to Forward, which runs the full copy.</summary>
    public TaskDirectionState Describe(MigrationTask task, Direction direction) =>
        new(task, _service.Status(task.Name, direction),
            direction == Direction.Forward ? _service.Runtime.TableProgress(task.Name) : [],
            _service.Conflicts.PerMinute(task.Name, direction, TaskDirectionState.ConflictWindow),
            direction == Direction.Forward ? new CutOver.CutOverService(_service).Status(task.Name) : null);

    /// <summary>The directions to show: Forward always, Reverse once it has been started. Read whole, so a caller may remove the task next.</summary>
    public IReadOnlyList<TaskDirectionState> Directions(MigrationTask task)
    {
        var states = new List<TaskDirectionState> { Describe(task, Direction.Forward) };
        if (_service.Runtime.Get(task.Name, Direction.Reverse).Status != TaskStatus.Created)
            states.Add(Describe(task, Direction.Reverse));
        return states;
    }

    /// <summary>The directions an action applies to: the one named, or else Forward and a Reverse that has been started.</summary>
    public IReadOnlyList<Direction> Targeted(string task, Direction? named)
    {
        if (named is { } only) return [only];
        var name = _service.Tasks.Get(task).Name;
        return _service.Runtime.Get(name, Direction.Reverse).Status != TaskStatus.Created
            ? [Direction.Forward, Direction.Reverse]
            : [Direction.Forward];
    }

    /// <summary>True while any direction of the task has a live worker.</summary>
    public bool IsRunning(string task) => Enum.GetValues<Direction>().Any(d => _service.IsWorkerAlive(task, d));

    /// <summary>True once any direction of the task has been started (its objects are then fixed).</summary>
    public bool HasRun(string task) => _service.Runtime.List(task).Any(r => r.Status != TaskStatus.Created);

    /// <summary>Checks a new task's every option (all problems at once) and plans storing it.</summary>
    public PlannedOperation<TaskDirectionState> PlanCreate(NewTaskRequest request)
    {
        var options = new TaskOptionReader(request.Name);
        if (TaskName.Check(request.Name) is { } invalid)
            options.Add(invalid);
        var source = FindDataSource(options, "Source", request.Source);
        var target = FindDataSource(options, "Target", request.Target);
        if (source is not null && string.Equals(source.Name, target?.Name, StringComparison.OrdinalIgnoreCase))
            options.Fail("SameSourceAndTarget", $"-Source and -Target are both '{request.Source}'. A task moves data between two data sources: give -Target another one.");

        var include = options.Patterns("Include", request.Include);
        if (request.Include.Count == 0)
            options.Fail("InvalidIncludePattern", "-Include is empty. Name the objects to migrate, e.g. -Include 'shop.*' or -Include 'shop.orders','shop.customers', or list them in a CSV file given to -ObjectFile.");
        var exclude = options.Patterns("Exclude", request.Exclude);
        var renames = options.Renames(request.Renames);
        var filters = options.RowFilters(request.RowFilters);
        var columns = options.Columns(request.Columns);
        if (request.Columns is { Count: 0 })
            options.Fail("InvalidColumnValue", "-Column is an empty hashtable. Map tables to their columns, e.g. @{ 'shop.orders' = 'id','total' }, or leave -Column out to migrate every column.");
        var partitions = options.Partitions(request.Partitions);
        options.CheckTables(include, exclude, filters, columns.Keys, source?.Kind == DataSourceKind.PostgreSql, partitions.Keys);
        var types = TaskSettingChecks.CheckMigrationTypes(options, request.MigrationTypes, request.Topology);
        // A task that only compares evaluates its row filters on both servers: their SQL must be the same.
        if (types == MigrationTypes.Verify && filters.Count > 0 && source is not null && target is not null && source.Kind.IsMySqlFamily() != target.Kind.IsMySqlFamily())
            options.Fail("InvalidRowFilterValue", $"A task that only verifies evaluates -RowFilter on both data sources, but '{source.Name}' is {source.Kind} and '{target.Name}' is {target.Kind}, whose SQL differs. " +
                                                  "Leave -RowFilter out, or narrow the comparison with -Include and -Column.");
        var preset = request.Resources is { } size ? ResourcePreset.Of(size) : ResourcePreset.Default;
        var readConcurrency = request.ReadConcurrency ?? preset.ReadConcurrency;
        var writeConcurrency = request.WriteConcurrency ?? preset.WriteConcurrency;
        var memoryLimit = request.IncrementalMemoryLimit ?? preset.IncrementalMemoryLimit;
        TaskSettingChecks.CheckLimits(options, request.RowsPerSecond, request.BytesPerSecond, readConcurrency, writeConcurrency, memoryLimit, request.ChunkRows);
        TaskSettingChecks.CheckStartTimestamp(options, types, request.StartTimestamp);
        TaskSettingChecks.CheckDdl(options, types, request.IncrementalDdl, request.OnlineDdlTool, [source, target]);
        var forwardDml = TaskSettingChecks.CheckDmlTypes(options, request.DmlTypes, Direction.Forward, types, request.Topology) ?? DmlTypes.All;
        TaskSettingChecks.CheckStopAfter(options, request.StopAfter, types);
        var kafka = Kafka.KafkaTaskOptions.Check(options, request, source, target, types);
        var conflictRule = new ConflictRule { Policy = request.ConflictPolicy, TimestampColumn = request.TimestampColumn };
        foreach (var rule in request.ConflictRules ?? [conflictRule])
            if (ConflictRuleCheck.CheckShape(rule) is { } conflictProblem)
                options.Fail("InvalidConflictPolicy", conflictProblem);
        options.ThrowIfAny();

        var task = new MigrationTask
        {
            Name = request.Name,
            Source = source!.Name,
            Target = target!.Name,
            Include = include,
            Exclude = exclude,
            Renames = renames,
            RowFilters = filters,
            Columns = columns,
            Partitions = partitions,
            MigrationTypes = types,
            Topology = request.Topology,
            NonEmptyTarget = request.NonEmptyTarget,
            IndexMigration = request.IndexMigration,
            RowsPerSecond = request.RowsPerSecond,
            BytesPerSecond = request.BytesPerSecond,
            ReadConcurrency = readConcurrency,
            WriteConcurrency = writeConcurrency,
            IncrementalMemoryLimit = memoryLimit,
            ChunkRows = request.ChunkRows,
            FullLoadBinlog = request.FullLoadBinlog,
            AutoRestart = request.AutoRestart,
            Labels = TaskSettingChecks.Labels(request.Labels),
            StartTimestamp = request.StartTimestamp,
            ConflictRules = request.ConflictRules ?? (request.ConflictPolicy == ConflictPolicy.Ignore ? [] : [conflictRule]),
            AlertRules = request.AlertRules ?? [],
            IncrementalDdl = request.IncrementalDdl,
            OnlineDdlTool = request.OnlineDdlTool,
            ForwardDmlTypes = forwardDml,
            ReverseDmlTypes = request.ReverseDmlTypes,
            ReverseLimits = request.ReverseLimits,
            StopAfter = request.StopAfter,
            Kafka = kafka,
        };
        return new PlannedOperation<TaskDirectionState>($"{task.Name} ({task.Source} -> {task.Target}, {types})", "Create task", (_, _) =>
        {
            _service.Tasks.Add(task);
            return Task.FromResult(Describe(_service.Tasks.Get(task.Name), Direction.Forward));
        });
    }

    /// <summary>
    /// Plans creating a task from a definition (an exported file, or another task to copy), under <paramref name="name"/>
    /// and with other data sources when given. Every rule New-OmsTask follows is checked, against this state home's data sources.
    /// </summary>
    public PlannedOperation<TaskDirectionState> PlanImport(MigrationTask definition, string? name = null, string? source = null, string? target = null) =>
        PlanCreate(new NewTaskRequest
        {
            Name = name ?? definition.Name,
            Source = source ?? definition.Source,
            Target = target ?? definition.Target,
            Include = definition.Include,
            Exclude = definition.Exclude,
            Renames = definition.Renames.ToDictionary(p => p.Key, p => (object?)p.Value),
            RowFilters = definition.RowFilters.ToDictionary(p => p.Key, p => (object?)p.Value),
            Columns = definition.Columns.Count == 0 ? null : definition.Columns.ToDictionary(p => p.Key, p => (object?)p.Value.ToArray()),
            Partitions = definition.Partitions.ToDictionary(p => p.Key, p => (object?)p.Value.ToArray()),
            MigrationTypes = Enum.GetValues<MigrationTypes>().Where(t => t != MigrationTypes.None && definition.MigrationTypes.HasFlag(t)).ToList(),
            Topology = definition.Topology,
            NonEmptyTarget = definition.NonEmptyTarget,
            IndexMigration = definition.IndexMigration,
            RowsPerSecond = definition.RowsPerSecond,
            BytesPerSecond = definition.BytesPerSecond,
            ReadConcurrency = definition.ReadConcurrency,
            WriteConcurrency = definition.WriteConcurrency,
            IncrementalMemoryLimit = definition.IncrementalMemoryLimit,
            ChunkRows = definition.ChunkRows,
            FullLoadBinlog = definition.FullLoadBinlog,
            AutoRestart = definition.AutoRestart,
            Labels = definition.Labels,
            StartTimestamp = definition.StartTimestamp,
            ConflictRules = definition.ConflictRules,
            AlertRules = definition.AlertRules,
            IncrementalDdl = definition.IncrementalDdl,
            OnlineDdlTool = definition.OnlineDdlTool,
            DmlTypes = definition.ForwardDmlTypes == DmlTypes.All ? null : [definition.ForwardDmlTypes],
            ReverseDmlTypes = definition.ReverseDmlTypes,
            ReverseLimits = definition.ReverseLimits,
            StopAfter = definition.StopAfter,
            MessageFormat = definition.Kafka?.Format,
            TopicMap = definition.Kafka?.TopicMap.ToDictionary(p => p.Key, p => (object?)p.Value),
            TopicPartitions = definition.Kafka?.Partitions,
        });

    /// <summary>
    /// Plans giving a task a new name. Its state (runtime, progress, conflict log, DDL log, verification results,
    /// cut-over) moves with it; on its servers it keeps the name it was first known by (<see cref="MigrationTask.ServerName"/>),
    /// so its checkpoints, chunk marks and replication slot stay its own. Refused while any worker of it runs.
    /// </summary>
    public PlannedOperation<TaskDirectionState> PlanRename(string name, string newName)
    {
        var task = _service.Tasks.Get(name);
        if (TaskName.Check(newName) is { } invalid) throw invalid;
        if (!string.Equals(task.Name, newName, StringComparison.OrdinalIgnoreCase) && _service.Tasks.Find(newName) is not null)
            throw new OmsException("TaskExists", OmsErrorKind.AlreadyExists, newName,
                $"A task named '{newName}' exists already. Choose another name, or remove that task first with Remove-OmsTask.");
        var busy = Enum.GetValues<Direction>().Where(d => _service.IsWorkerAlive(task.Name, d)).Select(d => d.ToString())
            .Concat(new Verification.VerificationService(_service).IsRunning(task.Name) ? ["verification"] : [])
            .Concat(new CutOver.CutOverService(_service).IsRunning(task.Name) ? ["cut-over"] : []).ToList();
        if (busy.Count > 0)
            throw new OmsException("TaskRunning", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' is running ({string.Join(", ", busy)}); it is renamed only while nothing runs it. Suspend or stop it first, rename it, then Resume-OmsTask.");
        var renamed = task with { Name = newName, FirstName = task.ServerName };
        return new PlannedOperation<TaskDirectionState>($"{task.Name} -> {newName}", "Rename task", (_, _) =>
        {
            _service.Tasks.Rename(task.Name, renamed);
            _service.Home.MoveTaskFiles(task.Name, newName);
            return Task.FromResult(Describe(_service.Tasks.Get(newName), Direction.Forward));
        });
    }

    /// <summary>
    /// Checks a change of a task's options and plans it; null when nothing is to change. Options change only while
    /// no worker runs the task, except its rate limits and its objects. On a task that has run, tables may join the
    /// task (they are copied, then synchronized) and leave it (their rows stay on the target), while a table that stays
    /// keeps its target name, row filter and columns. A new start timestamp resets where incremental reading begins
    /// (OMS ResetIncrStartTimestamp).
    /// </summary>
    public PlannedOperation<IReadOnlyList<TaskDirectionState>>? PlanChange(string name, TaskChangeRequest change)
    {
        var task = _service.Tasks.Get(name);
        var given = change.Given();
        if (IsRunning(task.Name) && given.Except(LiveOptions).ToList() is { Count: > 0 } fixedWhileRunning)
            throw new OmsException("TaskRunning", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' is running; {string.Join(", ", fixedWhileRunning.Select(p => "-" + p))} change only while no worker runs it. " +
                "Suspend it (Suspend-OmsTask), change it, then Resume-OmsTask. -RowsPerSecond, -BytesPerSecond and the objects (-Include, -Exclude, -Rename, -RowFilter, -Column) change while it runs.");
        var hasRun = HasRun(task.Name);
        var objectChanges = change.ObjectOptions();
        if (change.Partitions is not null && hasRun)
            throw new OmsException("TaskHasRun", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' has run already, and -Partition chose what its full copy took, so it cannot change now. " +
                "Create a new task with New-OmsTask for other partitions.");
        if (objectChanges.Count > 0 && hasRun && task.IncrementalDdl)
            throw new OmsException("TaskHasRun", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' has run with DDL synchronization (-IncrementalDdl), which follows its tables through the source's DDL, so its objects are fixed " +
                $"({string.Join(", ", objectChanges.Select(p => "-" + p))} cannot change). Create a new task with New-OmsTask for other tables, " +
                "or bring a table in with DDL on the source (RENAME TABLE into the task's rules).");

        var options = new TaskOptionReader(task.Name);
        var changed = task;
        if (change.Include is { } include)
        {
            if (include.Count == 0)
                options.Fail("InvalidIncludePattern", "-Include is empty. Name the objects to migrate, e.g. -Include 'shop.*'.");
            changed = changed with { Include = options.Patterns("Include", include) };
        }
        if (change.Exclude is { } exclude) changed = changed with { Exclude = options.Patterns("Exclude", exclude) };
        if (change.Renames is { } renames) changed = changed with { Renames = options.Renames(renames) };
        if (change.RowFilters is { } filters) changed = changed with { RowFilters = options.RowFilters(filters) };
        if (change.Columns is { } columns) changed = changed with { Columns = options.Columns(columns) };
        if (change.Partitions is { } partitions) changed = changed with { Partitions = options.Partitions(partitions) };
        if (objectChanges.Count > 0)
            options.CheckTables(changed.Include, changed.Exclude, changed.RowFilters, changed.Columns.Keys,
                _service.DataSources.Find(changed.Source)?.Kind == DataSourceKind.PostgreSql, changed.Partitions.Keys);
        if (change.MigrationTypes is { } types)
            changed = changed with { MigrationTypes = TaskSettingChecks.CheckMigrationTypes(options, types, task.Topology) };
        if (change.StartTimestampGiven) changed = changed with { StartTimestamp = change.StartTimestamp };
        if (change.StartTimestampGiven || change.MigrationTypes is not null)
            TaskSettingChecks.CheckStartTimestamp(options, changed.MigrationTypes, changed.StartTimestamp);
        var preset = change.Resources is { } size ? ResourcePreset.Of(size) : null;
        var readConcurrency = change.ReadConcurrency ?? preset?.ReadConcurrency;
        var writeConcurrency = change.WriteConcurrency ?? preset?.WriteConcurrency;
        var memoryLimit = change.IncrementalMemoryLimit ?? preset?.IncrementalMemoryLimit;
        TaskSettingChecks.CheckLimits(options, change.RowsPerSecond, change.BytesPerSecond, readConcurrency, writeConcurrency, memoryLimit, change.ChunkRows);
        if (change.DmlDirection == Direction.Reverse)
        {
            // The reverse direction's own settings; the task's others (labels, phases, ...) are set as ever.
            var own = new DirectionLimits
            {
                RowsPerSecond = change.RowsPerSecond, BytesPerSecond = change.BytesPerSecond,
                WriteConcurrency = change.WriteConcurrency, IncrementalMemoryLimit = change.IncrementalMemoryLimit,
            };
            if (!own.IsEmpty && task.Topology != Topology.Bidirectional && change.DmlTypes is null)
                options.Fail("InvalidDirection", $"Task '{task.Name}' is one-way: it has no reverse direction to give its own limits. Leave -Direction out.");
            if (change.Resources is not null)
                options.Fail("InvalidDirection", "-Resources sizes the whole task. Give the reverse direction its own -WriteConcurrency and -IncrementalMemoryLimit instead, or leave -Direction out.");
            if (!own.IsEmpty) changed = changed with { ReverseLimits = own.Over(changed.ReverseLimits) };
            change = change with { RowsPerSecond = null, BytesPerSecond = null, WriteConcurrency = null, IncrementalMemoryLimit = null };
            writeConcurrency = null;
            memoryLimit = null;
        }
        changed = changed with
        {
            NonEmptyTarget = change.NonEmptyTarget ?? changed.NonEmptyTarget,
            IndexMigration = change.IndexMigration ?? changed.IndexMigration,
            RowsPerSecond = change.RowsPerSecond ?? changed.RowsPerSecond,
            BytesPerSecond = change.BytesPerSecond ?? changed.BytesPerSecond,
            ReadConcurrency = readConcurrency ?? changed.ReadConcurrency,
            WriteConcurrency = writeConcurrency ?? changed.WriteConcurrency,
            IncrementalMemoryLimit = memoryLimit ?? changed.IncrementalMemoryLimit,
            ChunkRows = change.ChunkRows ?? changed.ChunkRows,
            FullLoadBinlog = change.FullLoadBinlog ?? changed.FullLoadBinlog,
            AutoRestart = change.AutoRestart ?? changed.AutoRestart,
            Labels = change.Labels is { } labels ? TaskSettingChecks.Labels(labels) : changed.Labels,
            IncrementalDdl = change.IncrementalDdl ?? changed.IncrementalDdl,
            OnlineDdlTool = change.OnlineDdlTool ?? changed.OnlineDdlTool,
        };
        if (change.IncrementalDdl is not null || change.OnlineDdlTool is not null || change.MigrationTypes is not null)
            TaskSettingChecks.CheckDdl(options, changed.MigrationTypes, changed.IncrementalDdl, changed.OnlineDdlTool,
                [_service.DataSources.Find(changed.Source), _service.DataSources.Find(changed.Target)]);
        if (change.DmlDirection is not null && change.DmlTypes is null && !(change.DmlDirection == Direction.Reverse && given.Intersect(["RowsPerSecond", "BytesPerSecond", "WriteConcurrency", "IncrementalMemoryLimit"]).Any()))
            options.Fail("InvalidDirection", "-Direction says which direction -DmlTypes (or, for Reverse, the rate limits, -WriteConcurrency and -IncrementalMemoryLimit) are for; give them with it.");
        var dmlDirection = change.DmlDirection ?? Direction.Forward;
        if (change.StopAfter is { } stopAfter) changed = changed with { StopAfter = stopAfter };
        if (change.StopAfter is not null || change.MigrationTypes is not null)
            TaskSettingChecks.CheckStopAfter(options, changed.StopAfter, changed.MigrationTypes);
        if (TaskSettingChecks.CheckDmlTypes(options, change.DmlTypes, dmlDirection, changed.MigrationTypes, changed.Topology) is { } dml)
            changed = dmlDirection == Direction.Reverse ? changed with { ReverseDmlTypes = dml } : changed with { ForwardDmlTypes = dml };
        options.ThrowIfAny();

        if (given.Count == 0) return null;
        return new PlannedOperation<IReadOnlyList<TaskDirectionState>>(task.Name, $"Change task ({string.Join(", ", given.Select(p => "-" + p))})",
            async (_, cancellationToken) =>
            {
                if (objectChanges.Count > 0 && hasRun) await CheckStayingTablesAsync(task, changed, cancellationToken).ConfigureAwait(false);
                _service.Tasks.Replace(task, changed);
                if (change.StartTimestampGiven && hasRun)
                    await _service.ResetIncrementalStartAsync(task.Name, cancellationToken).ConfigureAwait(false);
                return Directions(_service.Tasks.Get(task.Name));
            });
    }

    /// <summary>
    /// On a task that has run, a table that stays in it keeps its target name, row filter and columns: its target table
    /// was made and filled by them. Both sets of rules are resolved against the source, so a rule that now matches
    /// nothing is refused here too, before anything changes.
    /// </summary>
    private async Task CheckStayingTablesAsync(MigrationTask before, MigrationTask after, CancellationToken cancellationToken)
    {
        static void Quiet(string _) { }
        var was = (await new Pipeline.Pairing(_service.Store, before, Quiet).ResolveSourceAsync(cancellationToken).ConfigureAwait(false)).Tables
            .ToDictionary(t => t.Mapping.Source, t => t.Mapping, StringComparer.Ordinal);
        foreach (var table in (await new Pipeline.Pairing(_service.Store, after, Quiet).ResolveSourceAsync(cancellationToken).ConfigureAwait(false)).Tables)
        {
            if (!was.TryGetValue(table.Mapping.Source, out var old)) continue;
            var now = table.Mapping;
            var what = old.Target != now.Target ? $"target name ({old.Target} -> {now.Target})"
                : old.RowFilter != now.RowFilter ? "row filter"
                : !(old.Columns ?? []).SequenceEqual(now.Columns ?? [], StringComparer.Ordinal) ? "columns" : null;
            if (what is not null)
                throw new OmsException("TableChangeNotSupported", OmsErrorKind.InvalidArgument, now.Source,
                    $"Table '{now.Source}' is synchronized by task '{before.Name}' already, so its {what} cannot change while it stays in the task: its target table " +
                    $"was made and filled by them. Take the table out (Set-OmsTask -Name {before.Name} -Exclude '{now.Source}'), wait for Get-OmsTask to show the " +
                    "task running without it, then bring it back with the new rules: it is copied anew, into a target table that holds no rows " +
                    "(or under -NonEmptyTarget Ignore).");
        }
    }

    /// <summary>
    /// Plans removing a task with its runtime state, conflict log and its rows in the `oms` control tables of both servers
    /// (the databases keep their data; a server that cannot be reached is named in a warning, with what stays). A running
    /// task is refused unless <paramref name="force"/>, which stops its workers first. A PostgreSQL source's
    /// replication slot and publication go with it: a slot left behind would hold the source's WAL forever, so the
    /// task stays when they cannot be dropped, unless <paramref name="force"/>.
    /// </summary>
    public PlannedOperation<bool> PlanRemove(string name, bool force)
    {
        var task = _service.Tasks.Get(name);
        var running = Enum.GetValues<Direction>().Where(d => _service.IsWorkerAlive(task.Name, d)).ToList();
        if (running.Count > 0 && !force)
            throw new OmsException("TaskRunning", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' is running ({string.Join(", ", running)}). Stop it first with Stop-OmsTask, or add -Force to stop and remove it.");
        var action = running.Count > 0 ? $"Stop the running worker(s) ({string.Join(", ", running)}) and remove task" : "Remove task";
        action += $", deleting its rows in `oms` on '{task.Source}' and '{task.Target}'";
        if (_service.DataSources.Find(task.Source)?.Kind == DataSourceKind.PostgreSql)
            action += $", dropping its replication slot and publication on '{task.Source}'";
        return new PlannedOperation<bool>($"{task.Name} ({task.Source} -> {task.Target})", action, async (notes, cancellationToken) =>
        {
            foreach (var direction in running)
                await StopWorkerAsync(task.Name, direction, notes, cancellationToken).ConfigureAwait(false);
            try
            {
                await _service.ReleaseSourceAsync(task.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (OmsException e)
            {
                var message = $"The replication slot and publication of task '{task.Name}' could not be dropped on its PostgreSQL source: {e.Message}";
                if (!force)
                    throw new OmsException("ReplicationSlotNotDropped", OmsErrorKind.InvalidState, task.Name,
                        message + " The task was not removed. Make the source reachable and try again, or add -Force.", e);
                notes.Warn(message + " The task is removed anyway (-Force): drop the slot yourself with pg_drop_replication_slot, or it keeps holding WAL.");
            }
            // Rows left behind cannot mislead a later task of the same name (they carry this incarnation's key): say what stays, and remove.
            foreach (var left in await _service.ForgetOnServersAsync(task.Name, cancellationToken).ConfigureAwait(false))
                notes.Warn($"Task '{task.Name}' left {left.What}: {left.Reason} Delete them when the server is back, or leave them: no other task reads them.");
            _service.Tasks.Remove(task.Name);
            return true;
        });
    }

    private async Task StopWorkerAsync(string task, Direction direction, OperationNotes notes, CancellationToken cancellationToken)
    {
        notes.Detail($"Stopping the {direction} worker of task '{task}'.");
        var state = await _service.RequestAsync(task, direction, WorkerRequest.Stop, StopWait, cancellationToken).ConfigureAwait(false);
        if (_service.IsWorkerAlive(task, direction))
            throw new OmsException("TaskStopTimedOut", OmsErrorKind.InvalidState, task,
                $"The {direction} worker of task '{task}' (pid {state.WorkerPid}) did not stop within {StopWait.TotalSeconds:0} s; the task was not removed. Try again, or end the process.");
    }

    private DataSource? FindDataSource(TaskOptionReader options, string parameter, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            options.Fail($"Invalid{parameter}", $"-{parameter} is empty. Give the name of a registered data source (Get-OmsDataSource lists them).");
            return null;
        }
        var source = _service.DataSources.Find(name);
        if (source is null)
            options.Add(new OmsException("DataSourceNotFound", OmsErrorKind.NotFound, name,
                $"-{parameter}: data source '{name}' does not exist. List the registered ones with Get-OmsDataSource, or register it with New-OmsDataSource."));
        return source;
    }
}
