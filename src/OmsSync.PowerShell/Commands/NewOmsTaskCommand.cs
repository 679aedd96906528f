using System.Collections;
using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
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
public sealed class NewOmsTaskCommand : OmsCmdlet
{
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

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var request = new NewTaskRequest
        {
            Name = Name,
            Source = Source,
            Target = Target,
            Include = Include,
            Exclude = Exclude,
            Renames = Maps.From(Rename),
            RowFilters = Maps.From(RowFilter),
            Columns = Maps.From(Column),
            MigrationTypes = MigrationType,
            Topology = Topology,
            NonEmptyTarget = NonEmptyTarget,
            IndexMigration = IndexMigration,
            RowsPerSecond = RowsPerSecond,
            BytesPerSecond = BytesPerSecond,
            ReadConcurrency = ReadConcurrency,
            WriteConcurrency = WriteConcurrency,
            AutoRestart = AutoRestart,
            Labels = Label,
            StartTimestamp = Timestamps.From(StartTimestamp),
            ConflictPolicy = ConflictPolicy,
            TimestampColumn = TimestampColumn,
            IncrementalDdl = IncrementalDdl,
            OnlineDdlTool = OnlineDdlTool,
        };
        if (Perform(new TaskService(Service).PlanCreate(request), out var created))
            WriteObject(new OmsTask(created));
    });
}
