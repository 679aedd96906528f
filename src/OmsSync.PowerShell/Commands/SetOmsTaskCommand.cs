using System.Collections;
using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Changes a task's options. The objects (-Include, -Exclude, -Rename, -RowFilter, -Column) change at any time, a
/// running worker taking tables that join and leave up as it runs; so do the rate limits. -StartTimestamp on a task
/// that has run resets its incremental start; -Partition only while it has never run; concurrency, labels and the phase
/// options change whenever no worker runs it.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class SetOmsTaskCommand : OmsCmdlet
{
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

    /// <summary>Tables ('db.table') to the partitions whose rows full migration copies; an empty hashtable copies whole tables again.</summary>
    [Parameter]
    public Hashtable? Partition { get; set; }

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
    public long IncrementalMemoryLimit { get; set; }

    /// <summary>A size (Small, Medium, Large) whose settings apply to the concurrency and memory options not given themselves.</summary>
    [Parameter]
    public TaskResources Resources { get; set; }

    [Parameter]
    public int ChunkRows { get; set; }

    /// <summary>Writes the full copy to the target's binlog (-FullLoadBinlog), or not (-FullLoadBinlog:$false).</summary>
    [Parameter]
    public SwitchParameter FullLoadBinlog { get; set; }

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

    /// <summary>The kinds of row change the direction named by -Direction (Forward when not given) applies (Insert, Update, Delete); changes of the others are dropped.</summary>
    [Parameter]
    [ValidateSet("Insert", "Update", "Delete")]
    public DmlTypes[]? DmlTypes { get; set; }

    /// <summary>The phase after which the forward direction waits for Resume-OmsTask: None (the default), Schema or Full.</summary>
    [Parameter]
    public StopAfter StopAfter { get; set; }

    /// <summary>
    /// The direction -DmlTypes is for: Forward (the default) or Reverse. Reverse also gives -RowsPerSecond, -BytesPerSecond,
    /// -WriteConcurrency and -IncrementalMemoryLimit to the reverse direction alone.
    /// </summary>
    [Parameter]
    public Direction Direction { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!_done.Add(Name)) return; // one object per direction may arrive for the same task
        var bound = MyInvocation.BoundParameters;
        T? Given<T>(string parameter, T value) where T : struct => bound.ContainsKey(parameter) ? value : null;
        Try(Name, () =>
        {
            var change = new TaskChangeRequest
            {
                Include = bound.ContainsKey(nameof(Include)) ? Include ?? [] : null,
                Exclude = bound.ContainsKey(nameof(Exclude)) ? Exclude ?? [] : null,
                Renames = bound.ContainsKey(nameof(Rename)) ? Maps.From(Rename) ?? new Dictionary<string, object?>() : null,
                RowFilters = bound.ContainsKey(nameof(RowFilter)) ? Maps.From(RowFilter) ?? new Dictionary<string, object?>() : null,
                Columns = bound.ContainsKey(nameof(Column)) ? Maps.From(Column) ?? new Dictionary<string, object?>() : null,
                Partitions = bound.ContainsKey(nameof(Partition)) ? Maps.From(Partition) ?? new Dictionary<string, object?>() : null,
                StartTimestampGiven = bound.ContainsKey(nameof(StartTimestamp)),
                StartTimestamp = Timestamps.From(StartTimestamp),
                MigrationTypes = bound.ContainsKey(nameof(MigrationType)) ? MigrationType ?? [] : null,
                NonEmptyTarget = Given(nameof(NonEmptyTarget), NonEmptyTarget),
                IndexMigration = Given(nameof(IndexMigration), IndexMigration),
                RowsPerSecond = Given(nameof(RowsPerSecond), RowsPerSecond),
                BytesPerSecond = Given(nameof(BytesPerSecond), BytesPerSecond),
                ReadConcurrency = Given(nameof(ReadConcurrency), ReadConcurrency),
                WriteConcurrency = Given(nameof(WriteConcurrency), WriteConcurrency),
                IncrementalMemoryLimit = Given(nameof(IncrementalMemoryLimit), IncrementalMemoryLimit),
                Resources = Given(nameof(Resources), Resources),
                ChunkRows = Given(nameof(ChunkRows), ChunkRows),
                FullLoadBinlog = Given(nameof(FullLoadBinlog), FullLoadBinlog.IsPresent),
                AutoRestart = Given(nameof(AutoRestart), AutoRestart),
                Labels = bound.ContainsKey(nameof(Label)) ? Label ?? [] : null,
                IncrementalDdl = Given(nameof(IncrementalDdl), IncrementalDdl.IsPresent),
                OnlineDdlTool = Given(nameof(OnlineDdlTool), OnlineDdlTool),
                DmlTypes = DmlTypes,
                DmlDirection = Given(nameof(Direction), Direction),
                StopAfter = Given(nameof(StopAfter), StopAfter),
            };
            var tasks = new TaskService(Service);
            Perform(tasks.PlanChange(Name, change), out _);
            if (PassThru)
                WriteObject(tasks.Directions(Service.Tasks.Get(Name)).Select(s => new OmsTask(s)).ToList(), enumerateCollection: true);
        });
    }
}
