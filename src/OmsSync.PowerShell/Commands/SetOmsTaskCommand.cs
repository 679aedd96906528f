using System.Collections;
using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Changes a task's options. The objects (-Include, -Exclude, -Rename, -RowFilter, -Column,
/// may change only while the task has never run; -StartTimestamp on a task that has run resets its incremental start; speed, concurrency, labels and the
/// phase options whenever no worker runs it.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class SetOmsTaskCommand : PSCmdlet, IDisposable
{
    private static readonly string[] ObjectParameters = [nameof(Include), nameof(Exclude), nameof(Rename), nameof(RowFilter), nameof(Column)];

    private readonly CmdletSession _session = new();
    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    [SupportsWildcards]
    public string[]? Include { get; set; }

    [Parameter]
    [SupportsWildcards]
    [AllowEmptyCollection]
    public string[]? Exclude { get; set; }

    [Parameter]
    public Hashtable? Rename { get; set; }

    [Parameter]
    public Hashtable? RowFilter { get; set; }

    [Parameter]
    public Hashtable? Column { get; set; }

    [Parameter]
    public DateTime? StartTimestamp { get; set; }

    [Parameter]
    public MigrationTypes[]? MigrationType { get; set; }

    [Parameter]
    public NonEmptyTargetAction NonEmptyTarget { get; set; }

    [Parameter]
    public IndexMigration IndexMigration { get; set; }

    [Parameter]
    public long RowsPerSecond { get; set; }

    [Parameter]
    public long BytesPerSecond { get; set; }

    [Parameter]
    public int ReadConcurrency { get; set; }

    [Parameter]
    public int WriteConcurrency { get; set; }

    [Parameter]
    public bool AutoRestart { get; set; }

    /// <summary>Replaces the task's labels; an empty array clears them.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? Label { get; set; }

    /// <summary>Turns DDL synchronization on (-IncrementalDdl) or off (-IncrementalDdl:$false).</summary>
    [Parameter]
    public SwitchParameter IncrementalDdl { get; set; }

    [Parameter]
    public OnlineDdlTool OnlineDdlTool { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name)) return; // one object per direction may arrive for the same task
        var bound = MyInvocation.BoundParameters;
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            if (TaskStates.IsRunning(service, task.Name))
            {
                WriteError(OmsErrors.InvalidState("TaskRunning", task.Name,
                    $"Task '{task.Name}' is running; its options change only while no worker runs it. Suspend it (Suspend-OmsTask), change it, then Resume-OmsTask."));
                return;
            }
            var objectChanges = ObjectParameters.Where(bound.ContainsKey).ToList();
            if (objectChanges.Count > 0 && TaskStates.HasRun(service, task.Name))
            {
                WriteError(OmsErrors.InvalidState("TaskHasRun", task.Name,
                    $"Task '{task.Name}' has run already, so its objects are fixed ({string.Join(", ", objectChanges.Select(p => "-" + p))} cannot change). " +
                    "Create a new task with New-OmsTask for other objects."));
                return;
            }

            var options = new TaskOptions(task.Name);
            var changed = task;
            if (bound.ContainsKey(nameof(Include)))
            {
                if (Include is null || Include.Length == 0)
                    options.Fail("InvalidIncludePattern", nameof(Include), "-Include is empty. Name the objects to migrate, e.g. -Include 'shop.*'.");
                changed = changed with { Include = options.Patterns(nameof(Include), Include) };
            }
            if (bound.ContainsKey(nameof(Exclude))) changed = changed with { Exclude = options.Patterns(nameof(Exclude), Exclude) };
            if (bound.ContainsKey(nameof(Rename))) changed = changed with { Renames = options.Renames(Rename) };
            if (bound.ContainsKey(nameof(RowFilter))) changed = changed with { RowFilters = options.RowFilters(RowFilter) };
            if (bound.ContainsKey(nameof(Column))) changed = changed with { Columns = options.Columns(Column) };
            if (objectChanges.Count > 0)
                options.CheckTables(changed.Include, changed.Exclude, changed.RowFilters, changed.Columns,
                    service.DataSources.Find(changed.Source)?.Kind == DataSourceKind.PostgreSql);
            if (bound.ContainsKey(nameof(MigrationType)))
                changed = changed with { MigrationTypes = TaskSettings.CheckMigrationTypes(options, MigrationType ?? [], task.Topology) };
            if (bound.ContainsKey(nameof(StartTimestamp))) changed = changed with { StartTimestamp = TaskSettings.Timestamp(StartTimestamp) };
            if (bound.ContainsKey(nameof(StartTimestamp)) || bound.ContainsKey(nameof(MigrationType)))
                TaskSettings.CheckStartTimestamp(options, changed.MigrationTypes, changed.StartTimestamp?.LocalDateTime);
            TaskSettings.CheckLimits(options, bound, RowsPerSecond, BytesPerSecond, ReadConcurrency, WriteConcurrency);
            if (bound.ContainsKey(nameof(NonEmptyTarget))) changed = changed with { NonEmptyTarget = NonEmptyTarget };
            if (bound.ContainsKey(nameof(IndexMigration))) changed = changed with { IndexMigration = IndexMigration };
            if (bound.ContainsKey(nameof(RowsPerSecond))) changed = changed with { RowsPerSecond = RowsPerSecond };
            if (bound.ContainsKey(nameof(BytesPerSecond))) changed = changed with { BytesPerSecond = BytesPerSecond };
            if (bound.ContainsKey(nameof(ReadConcurrency))) changed = changed with { ReadConcurrency = ReadConcurrency };
            if (bound.ContainsKey(nameof(WriteConcurrency))) changed = changed with { WriteConcurrency = WriteConcurrency };
            if (bound.ContainsKey(nameof(AutoRestart))) changed = changed with { AutoRestart = AutoRestart };
            if (bound.ContainsKey(nameof(Label))) changed = changed with { Labels = TaskSettings.Labels(Label) };
            if (bound.ContainsKey(nameof(IncrementalDdl))) changed = changed with { IncrementalDdl = IncrementalDdl };
            if (bound.ContainsKey(nameof(OnlineDdlTool))) changed = changed with { OnlineDdlTool = OnlineDdlTool };
            if (bound.ContainsKey(nameof(IncrementalDdl)) || bound.ContainsKey(nameof(OnlineDdlTool)) || bound.ContainsKey(nameof(MigrationType)))
                TaskSettings.CheckDdl(options, changed.MigrationTypes, changed.IncrementalDdl, changed.OnlineDdlTool,
                    [service.DataSources.Find(changed.Source), service.DataSources.Find(changed.Target)]);

            if (options.Errors.Count > 0)
            {
                foreach (var error in options.Errors)
                    WriteError(error);
                return;
            }
            var parameters = bound.Keys.Where(k => k != nameof(Name) && k != nameof(PassThru) && !CommonParameter(k)).Select(k => "-" + k).ToList();
            if (parameters.Count > 0 && ShouldProcess(task.Name, $"Change task ({string.Join(", ", parameters)})"))
            {
                service.Tasks.Update(changed);
                // On a task that has run, a new start timestamp resets where incremental reading begins (OMS ResetIncrStartTimestamp).
                if (bound.ContainsKey(nameof(StartTimestamp)) && TaskStates.HasRun(service, task.Name))
                    _session.Wait(async token => { await service.ResetIncrementalStartAsync(task.Name, token); return true; });
            }
            if (PassThru)
                WriteObject(TaskStates.Directions(service, service.Tasks.Get(task.Name)), enumerateCollection: true);
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
    }

    private static bool CommonParameter(string name) =>
        PSCmdlet.CommonParameters.Contains(name) || PSCmdlet.OptionalCommonParameters.Contains(name);

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
