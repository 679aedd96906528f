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

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyCollection]
    public string[] Include { get; set; } = [];

    /// <summary>The objects as rows with Table, TargetName, RowFilter, Columns and Partitions, e.g. (Import-Csv objects.csv).</summary>
    [Parameter]
    public PSObject[]? Object { get; set; }

    /// <summary>A CSV file of objects with the columns Table, TargetName, RowFilter, Columns and Partitions (read with Import-Csv).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ObjectFile { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Exclude { get; set; }

    [Parameter]
    public Hashtable? Rename { get; set; }

    [Parameter]
    public Hashtable? RowFilter { get; set; }

    [Parameter]
    public Hashtable? Column { get; set; }

    /// <summary>Tables ('db.table') to the partitions whose rows full migration copies, e.g. @{ 'shop.orders' = 'p2025','p2026' }.</summary>
    [Parameter]
    public Hashtable? Partition { get; set; }

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

    /// <summary>Tables read at once during full migration and verification (default 2, or as -Resources says).</summary>
    [Parameter]
    public int ReadConcurrency { get; set; }

    /// <summary>Target sessions written at once: full-load writers and incremental lanes (default 2, or as -Resources says).</summary>
    [Parameter]
    public int WriteConcurrency { get; set; }

    /// <summary>Bytes of changes the incremental phase holds in memory before a transaction's rows wait in a spill file.</summary>
    [Parameter]
    public long IncrementalMemoryLimit { get; set; }

    /// <summary>A size (Small, Medium, Large) for the concurrency and memory options not given themselves.</summary>
    [Parameter]
    public TaskResources Resources { get; set; }

    /// <summary>Rows per full-migration chunk, one target transaction each; 0 (the default) sizes chunks to about 8 MB.</summary>
    [Parameter]
    public int ChunkRows { get; set; }

    /// <summary>Writes the full copy to the target's binlog, so the target's replicas receive the copied rows.</summary>
    [Parameter]
    public SwitchParameter FullLoadBinlog { get; set; }

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

    /// <summary>The kinds of row change the forward direction's incremental synchronization applies (Insert, Update, Delete); changes of the others are dropped.</summary>
    [Parameter]
    [ValidateSet("Insert", "Update", "Delete")]
    public DmlTypes[]? DmlTypes { get; set; }

    /// <summary>The phase after which the forward direction waits for Resume-OmsTask: None (the default), Schema or Full.</summary>
    [Parameter]
    public StopAfter StopAfter { get; set; }

    /// <summary>With a Kafka target: the messages' format, Debezium (the default), DebeziumWithSchema or Canal.</summary>
    [Parameter]
    public MessageFormat MessageFormat { get; set; }

    /// <summary>With a Kafka target: source tables to topics, e.g. @{ 'shop.orders' = 'orders-cdc' }; others go to '&lt;task&gt;.&lt;database&gt;.&lt;table&gt;'.</summary>
    [Parameter]
    public Hashtable? TopicMap { get; set; }

    /// <summary>With a Kafka target: the partitions of the topics the task makes (default 3).</summary>
    [Parameter]
    public int TopicPartitions { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var bound = MyInvocation.BoundParameters;
        T? Given<T>(string parameter, T value) where T : struct => bound.ContainsKey(parameter) ? value : null;
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
            Partitions = Maps.From(Partition),
            MigrationTypes = MigrationType,
            Topology = Topology,
            NonEmptyTarget = NonEmptyTarget,
            IndexMigration = IndexMigration,
            RowsPerSecond = RowsPerSecond,
            BytesPerSecond = BytesPerSecond,
            ReadConcurrency = Given(nameof(ReadConcurrency), ReadConcurrency),
            WriteConcurrency = Given(nameof(WriteConcurrency), WriteConcurrency),
            IncrementalMemoryLimit = Given(nameof(IncrementalMemoryLimit), IncrementalMemoryLimit),
            Resources = Given(nameof(Resources), Resources),
            ChunkRows = ChunkRows,
            FullLoadBinlog = FullLoadBinlog,
            AutoRestart = AutoRestart,
            Labels = Label,
            StartTimestamp = Timestamps.From(StartTimestamp),
            ConflictPolicy = ConflictPolicy,
            TimestampColumn = TimestampColumn,
            IncrementalDdl = IncrementalDdl,
            OnlineDdlTool = OnlineDdlTool,
            DmlTypes = DmlTypes,
            StopAfter = StopAfter,
            MessageFormat = Given(nameof(MessageFormat), MessageFormat),
            TopicMap = TopicMap is null ? null : Maps.From(TopicMap),
            TopicPartitions = Given(nameof(TopicPartitions), TopicPartitions),
        };
        if (ObjectFile is not null)
        {
            var path = GetUnresolvedProviderPathFromPSPath(ObjectFile);
            if (!File.Exists(path))
                throw new Engine.Errors.OmsException("ObjectFileNotFound", Engine.Errors.OmsErrorKind.NotFound, path,
                    $"-ObjectFile '{path}' does not exist. Give the path of a CSV file with the columns Table, TargetName, RowFilter, Columns and Partitions.");
            request = TaskObjectList.AddTo(request, Rows(InvokeCommand.InvokeScript("param($p) Import-Csv -LiteralPath $p", path)), path);
        }
        if (Object is not null)
            request = TaskObjectList.AddTo(request, Rows(Object), "-Object");
        if (Perform(new TaskService(Service).PlanCreate(request), out var created))
            WriteObject(new OmsTask(created));
    });

    /// <summary>Each row's properties (or a hashtable's entries) as text: Import-Csv gives strings, a hand-made row may give anything.</summary>
    private static List<IReadOnlyDictionary<string, string?>> Rows(IEnumerable<PSObject> rows) =>
        rows.Where(r => r is not null).Select(r => (IReadOnlyDictionary<string, string?>)(r.BaseObject is IDictionary map
            ? map.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => map[k]?.ToString(), StringComparer.OrdinalIgnoreCase)
            : r.Properties.Where(p => p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property)
                .ToDictionary(p => p.Name, p => p.Value?.ToString(), StringComparer.OrdinalIgnoreCase))).ToList();
}
