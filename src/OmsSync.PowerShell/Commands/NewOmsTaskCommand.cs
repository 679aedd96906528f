using System.Collections;
using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Defines a migration task: which objects move from which source to which target, through which
/// phases, and how fast. Everything is checked before anything is stored.
/// </summary>
[Cmdlet(VerbsCommon.New, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OmsTask))]
public sealed class NewOmsTaskCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string Source { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string Target { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyCollection]
    public string[] Include { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Exclude { get; set; }

    [Parameter]
    public Hashtable? Rename { get; set; }

    [Parameter]
    public Hashtable? RowFilter { get; set; }

    [Parameter]
    public Hashtable? Column { get; set; }

    [Parameter(Mandatory = true)]
    public MigrationTypes[] MigrationType { get; set; } = [];

    [Parameter]
    public Topology Topology { get; set; } = Topology.OneWay;

    [Parameter]
    public NonEmptyTargetAction NonEmptyTarget { get; set; } = NonEmptyTargetAction.Stop;

    [Parameter]
    public IndexMigration IndexMigration { get; set; } = IndexMigration.WithSchema;

    [Parameter]
    public long RowsPerSecond { get; set; }

    [Parameter]
    public long BytesPerSecond { get; set; }

    [Parameter]
    public int ReadConcurrency { get; set; } = 2;

    [Parameter]
    public int WriteConcurrency { get; set; } = 2;

    [Parameter]
    public bool AutoRestart { get; set; } = true;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Labels")]
    public string[]? Label { get; set; }

    [Parameter]
    public DateTime? StartTimestamp { get; set; }

    /// <summary>How conflicts are handled in both directions, for all tables (default Ignore); refine with Set-OmsConflictPolicy.</summary>
    [Parameter]
    public Engine.Conflicts.ConflictPolicy ConflictPolicy { get; set; } = Engine.Conflicts.ConflictPolicy.Ignore;

    /// <summary>For -ConflictPolicy NewerWins: the column whose larger value marks the newer row.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimestampColumn { get; set; }

    /// <summary>Applies the source's DDL to the target during incremental synchronization (forward direction).</summary>
    [Parameter]
    public SwitchParameter IncrementalDdl { get; set; }

    /// <summary>The online schema change tool whose shadow tables to recognise: None, GhOst or PtOsc.</summary>
    [Parameter]
    public OnlineDdlTool OnlineDdlTool { get; set; }

    protected override void ProcessRecord()
    {
        var options = new TaskOptions(Name);
        if (Names.CheckTaskName(Name) is { } invalid)
            options.Add(invalid);

        var service = _session.Service;
        CheckDataSource(options, nameof(Source), Source, service.DataSources);
        CheckDataSource(options, nameof(Target), Target, service.DataSources);
        if (!string.IsNullOrWhiteSpace(Source) && string.Equals(Source, Target, StringComparison.OrdinalIgnoreCase))
            options.Fail("SameSourceAndTarget", "Target", $"-Source and -Target are both '{Source}'. A task moves data between two data sources: give -Target another one.");

        var include = options.Patterns(nameof(Include), Include);
        if (Include.Length == 0)
            options.Fail("InvalidIncludePattern", nameof(Include), "-Include is empty. Name the objects to migrate, e.g. -Include 'shop.*' or -Include 'shop.orders','shop.customers'.");
        var exclude = options.Patterns(nameof(Exclude), Exclude);
        var renames = options.Renames(Rename);
        var filters = options.RowFilters(RowFilter);
        var columns = options.Columns(Column);
        options.CheckTables(include, exclude, filters, columns, service.DataSources.Find(Source)?.Kind == DataSourceKind.PostgreSql);
        if (Column is { Count: 0 })
            options.Fail("InvalidColumnValue", nameof(Column), "-Column is an empty hashtable. Map tables to their columns, e.g. @{ 'shop.orders' = 'id','total' }, or leave -Column out to migrate every column.");
        var types = TaskSettings.CheckMigrationTypes(options, MigrationType, Topology);
        TaskSettings.CheckLimits(options, MyInvocation.BoundParameters, RowsPerSecond, BytesPerSecond, ReadConcurrency, WriteConcurrency);
        TaskSettings.CheckStartTimestamp(options, types, StartTimestamp);
        TaskSettings.CheckDdl(options, types, IncrementalDdl, OnlineDdlTool, [service.DataSources.Find(Source), service.DataSources.Find(Target)]);
        var conflictRule = new Engine.Conflicts.ConflictRule { Policy = ConflictPolicy, TimestampColumn = TimestampColumn };
        if (Engine.Conflicts.ConflictRuleCheck.CheckShape(conflictRule) is { } conflictProblem)
            options.Fail("InvalidConflictPolicy", TimestampColumn is null ? nameof(TimestampColumn) : nameof(ConflictPolicy), conflictProblem);

        if (options.Errors.Count > 0)
        {
            foreach (var error in options.Errors)
                WriteError(error);
            return;
        }

        var task = new MigrationTask
        {
            Name = Name,
            Source = service.DataSources.Get(Source).Name,
            Target = service.DataSources.Get(Target).Name,
            Include = include,
            Exclude = exclude,
            Renames = renames,
            RowFilters = filters,
            Columns = columns,
            MigrationTypes = types,
            Topology = Topology,
            NonEmptyTarget = NonEmptyTarget,
            IndexMigration = IndexMigration,
            RowsPerSecond = RowsPerSecond,
            BytesPerSecond = BytesPerSecond,
            ReadConcurrency = ReadConcurrency,
            WriteConcurrency = WriteConcurrency,
            AutoRestart = AutoRestart,
            Labels = TaskSettings.Labels(Label),
            StartTimestamp = TaskSettings.Timestamp(StartTimestamp),
            ConflictRules = ConflictPolicy == Engine.Conflicts.ConflictPolicy.Ignore ? [] : [conflictRule],
            IncrementalDdl = IncrementalDdl,
            OnlineDdlTool = OnlineDdlTool,
        };
        if (!ShouldProcess($"{Name} ({task.Source} -> {task.Target}, {types})", "Create task"))
            return;
        try
        {
            service.Tasks.Add(task);
            WriteObject(TaskStates.Describe(service, service.Tasks.Get(Name), Direction.Forward));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
    }

    private static void CheckDataSource(TaskOptions options, string parameter, string name, DataSourceCatalog catalog)
    {
        if (string.IsNullOrWhiteSpace(name))
            options.Fail($"Invalid{parameter}", parameter, $"-{parameter} is empty. Give the name of a registered data source (Get-OmsDataSource lists them).");
        else if (catalog.Find(name) is null)
            options.Add(OmsErrors.NotFound("DataSourceNotFound", name,
                $"-{parameter}: data source '{name}' does not exist. List the registered ones with Get-OmsDataSource, or register it with New-OmsDataSource."));
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
