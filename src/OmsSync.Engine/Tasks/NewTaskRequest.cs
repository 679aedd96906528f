using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// A task as the user asked for it, before any check: names as typed, object options as text, lists and
/// maps (a map's values are text, or lists of text for -Column and -Partition). <see cref="TaskService.PlanCreate"/> checks it.
/// </summary>
public sealed record NewTaskRequest
{
    public required string Name { get; init; }
    public required string Source { get; init; }
    public required string Target { get; init; }
    public required IReadOnlyList<string> Include { get; init; }
    public IReadOnlyList<string>? Exclude { get; init; }
    public IReadOnlyDictionary<string, object?>? Renames { get; init; }
    public IReadOnlyDictionary<string, object?>? RowFilters { get; init; }
    public IReadOnlyDictionary<string, object?>? Columns { get; init; }
    public IReadOnlyDictionary<string, object?>? Partitions { get; init; }
    public required IReadOnlyList<MigrationTypes> MigrationTypes { get; init; }
    public Topology Topology { get; init; } = Topology.OneWay;
    public NonEmptyTargetAction NonEmptyTarget { get; init; } = NonEmptyTargetAction.Stop;
    public IndexMigration IndexMigration { get; init; } = IndexMigration.WithSchema;
    public long RowsPerSecond { get; init; }
    public long BytesPerSecond { get; init; }
    /// <summary>Null: from <see cref="Resources"/>, else the default.</summary>
    public int? ReadConcurrency { get; init; }
    /// <summary>Null: from <see cref="Resources"/>, else the default.</summary>
    public int? WriteConcurrency { get; init; }
    /// <summary>Null: from <see cref="Resources"/>, else the default.</summary>
    public long? IncrementalMemoryLimit { get; init; }
    public TaskResources? Resources { get; init; }
    /// <summary>Rows per full-migration chunk; 0 sizes chunks by the rows' length.</summary>
    public int ChunkRows { get; init; }
    public bool FullLoadBinlog { get; init; }
    public bool AutoRestart { get; init; } = true;
    public IReadOnlyList<string>? Labels { get; init; }
    public DateTimeOffset? StartTimestamp { get; init; }
    public ConflictPolicy ConflictPolicy { get; init; } = ConflictPolicy.Ignore;
    public string? TimestampColumn { get; init; }
    /// <summary>Whole conflict rules (an imported task's), used instead of <see cref="ConflictPolicy"/> when given.</summary>
    public IReadOnlyList<ConflictRule>? ConflictRules { get; init; }
    /// <summary>Alert rules (an imported or copied task's).</summary>
    public IReadOnlyList<Alerts.AlertRule>? AlertRules { get; init; }
    public bool IncrementalDdl { get; init; }
    public OnlineDdlTool OnlineDdlTool { get; init; }
    /// <summary>The row changes the forward direction applies; null for all.</summary>
    public IReadOnlyList<DmlTypes>? DmlTypes { get; init; }
    public StopAfter StopAfter { get; init; }
    /// <summary>With a Kafka target: the messages' format; null for Debezium.</summary>
    public MessageFormat? MessageFormat { get; init; }
    /// <summary>With a Kafka target: source tables ('db.table') to the topics their messages go to.</summary>
    public IReadOnlyDictionary<string, object?>? TopicMap { get; init; }
    /// <summary>With a Kafka target: the partitions of the topics the task makes; null for 3.</summary>
    public int? TopicPartitions { get; init; }
    /// <summary>An imported or copied task's reverse direction's row changes.</summary>
    public Model.DmlTypes ReverseDmlTypes { get; init; } = Model.DmlTypes.All;
    /// <summary>The reverse direction's own limits (an imported or copied task's).</summary>
    public DirectionLimits? ReverseLimits { get; init; }
}
