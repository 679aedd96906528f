namespace OmsSync.Engine.Model;

/// <summary>
/// A task's definition: what moves from which source to which target, and how.
/// Runtime state (status, phase, positions, progress) is kept apart in the state store.
/// </summary>
public sealed record MigrationTask
{
    public required string Name { get; init; }
    /// <summary>
    /// This incarnation of the task: a random id the state store gives it when it is added, so a task removed and
    /// created again under the same name never meets what the first one left on the servers. Null for a task
    /// stored before ids existed.
    /// </summary>
    public string? Id { get; init; }
    /// <summary>
    /// The key of the task's rows in the `oms` control tables on its servers (chunks, checkpoints, lane rows,
    /// loop markers, heartbeats): name and id; a task stored before ids existed keeps its name, which is what it wrote there.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string OmsKey => Id is null ? ServerName : $"{ServerName}#{Id}";
    /// <summary>
    /// The name the task's rows and replication slot on its servers were written under: its first name, kept when it
    /// is renamed (Rename-OmsTask), so a renamed task finds its checkpoints, chunk marks and slot where they are.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ServerName => FirstName ?? Name;
    /// <summary>The task's name before it was first renamed; null while it never was.</summary>
    public string? FirstName { get; init; }
    public required string Source { get; init; }
    public required string Target { get; init; }
    public required IReadOnlyList<string> Include { get; init; }
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>Database renames (key "shop") and table renames (key "shop.orders"); values are the target names.</summary>
    public IReadOnlyDictionary<string, string> Renames { get; init; } = new Dictionary<string, string>();
    /// <summary>Source table ("db.table") to a WHERE condition evaluated on the source.</summary>
    public IReadOnlyDictionary<string, string> RowFilters { get; init; } = new Dictionary<string, string>();
    /// <summary>Source table ("db.table") to the columns to migrate.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Columns { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>
    /// Source table ("db.table") to the partitions (or subpartitions) its full migration and verification read; a table not
    /// named is read whole. Incremental synchronization is not limited by them.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Partitions { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public MigrationTypes MigrationTypes { get; init; } = MigrationTypes.Schema | MigrationTypes.Full;
    /// <summary>
    /// A task that only verifies (a data validation task, Start-OmsVerification -Source -Target): it moves no row, so
    /// its row filters choose the rows compared on both sides, not only the rows it would have copied.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ComparesOnly => MigrationTypes == MigrationTypes.Verify;
    public Topology Topology { get; init; } = Topology.OneWay;
    public NonEmptyTargetAction NonEmptyTarget { get; init; } = NonEmptyTargetAction.Stop;
    public IndexMigration IndexMigration { get; init; } = IndexMigration.WithSchema;
    /// <summary>Rows per second written to the target, 0 for no limit.</summary>
    public long RowsPerSecond { get; init; }
    /// <summary>Bytes per second written to the target, 0 for no limit.</summary>
    public long BytesPerSecond { get; init; }
    /// <summary>Rows per full-migration chunk (one target transaction each); 0 sizes chunks to about 8 MB.</summary>
    public int ChunkRows { get; init; }
    public int ReadConcurrency { get; init; } = 2;
    public int WriteConcurrency { get; init; } = 2;
    public IReadOnlyList<string> Labels { get; init; } = [];
    public DateTimeOffset? StartTimestamp { get; init; }
    /// <summary>
    /// Whether the full copy is written to the target's binlog. Off by default, as myloader does: the copy is
    /// a bulk load, and the target's replicas are usually seeded the same way. Turn it on when replicas of the
    /// target must receive the copied rows through replication.
    /// </summary>
    public bool FullLoadBinlog { get; init; }
    /// <summary>
    /// Bytes of decoded row changes the incremental phase holds in memory between reading the binlog and applying;
    /// past it, the rows of a source transaction wait in a spill file under $OMSSYNC_HOME/spill (an estimate, not a hard cap).
    /// </summary>
    public long IncrementalMemoryLimit { get; init; } = Changes.Spill.TransactionSpillOptions.DefaultMemoryLimitBytes;
    /// <summary>Whether the supervisor starts a new worker when this task's worker dies (OMS Supervisor).</summary>
    public bool AutoRestart { get; init; } = true;
    /// <summary>How conflicts are handled, per table and direction (empty: Ignore everywhere). See ConflictRule.</summary>
    public IReadOnlyList<Conflicts.ConflictRule> ConflictRules { get; init; } = [];
    /// <summary>What the supervisor alerts on and where it delivers the alerts (Set-OmsAlert).</summary>
    public IReadOnlyList<Alerts.AlertRule> AlertRules { get; init; } = [];
    /// <summary>Whether the forward direction applies the source's DDL to the target (OMS "DDL synchronization"); off pauses the task at a DDL.</summary>
    public bool IncrementalDdl { get; init; }
    /// <summary>With a Kafka target: the message format and topics (null: Debezium format, a topic per table under the task's name).</summary>
    public KafkaSink? Kafka { get; init; }
    /// <summary>Which online schema change tool's shadow tables to recognise (OMS "Adapt to Online DDL Tool").</summary>
    public OnlineDdlTool OnlineDdlTool { get; init; }
    /// <summary>The row changes the forward direction applies (-DmlTypes of New-OmsTask and Set-OmsTask); the others it drops.</summary>
    public DmlTypes ForwardDmlTypes { get; init; } = DmlTypes.All;
    /// <summary>The phase after which the forward direction waits for Resume-OmsTask (-StopAfter); None goes straight on.</summary>
    public StopAfter StopAfter { get; init; }
    /// <summary>The row changes the reverse direction of a bidirectional task applies (-DmlTypes of Enable-OmsReverse and Set-OmsTask -Direction Reverse).</summary>
    public DmlTypes ReverseDmlTypes { get; init; } = DmlTypes.All;
    /// <summary>The reverse direction's own rate limits, write concurrency and memory limit, where it has them.</summary>
    public DirectionLimits? ReverseLimits { get; init; }

    /// <summary>
    /// The task as a direction's worker runs it: for the reverse direction, with the settings it has of its own
    /// (<see cref="ReverseLimits"/>) in place of the task's.
    /// </summary>
    public MigrationTask As(Direction direction) => direction != Direction.Reverse || ReverseLimits is not { } own ? this : this with
    {
        RowsPerSecond = own.RowsPerSecond ?? RowsPerSecond,
        BytesPerSecond = own.BytesPerSecond ?? BytesPerSecond,
        WriteConcurrency = own.WriteConcurrency ?? WriteConcurrency,
        IncrementalMemoryLimit = own.IncrementalMemoryLimit ?? IncrementalMemoryLimit,
    };
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The row changes a direction applies.</summary>
    public DmlTypes DmlTypesOf(Direction direction) => direction == Direction.Reverse ? ReverseDmlTypes : ForwardDmlTypes;
}
