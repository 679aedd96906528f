using OmsSync.Engine.Model;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// The options of a task to change; null leaves an option as it is. An empty list or map given for an
/// object option replaces it with nothing (no renames, say). <see cref="StartTimestampGiven"/> tells a
/// start timestamp cleared (null) from one left alone.
/// </summary>
public sealed record TaskChangeRequest
{
    public IReadOnlyList<string>? Include { get; init; }
    public IReadOnlyList<string>? Exclude { get; init; }
    public IReadOnlyDictionary<string, object?>? Renames { get; init; }
    public IReadOnlyDictionary<string, object?>? RowFilters { get; init; }
    public IReadOnlyDictionary<string, object?>? Columns { get; init; }
    public IReadOnlyDictionary<string, object?>? Partitions { get; init; }
    public bool StartTimestampGiven { get; init; }
    public DateTimeOffset? StartTimestamp { get; init; }
    public IReadOnlyList<MigrationTypes>? MigrationTypes { get; init; }
    public NonEmptyTargetAction? NonEmptyTarget { get; init; }
    public IndexMigration? IndexMigration { get; init; }
    public long? RowsPerSecond { get; init; }
    public long? BytesPerSecond { get; init; }
    public int? ReadConcurrency { get; init; }
    public int? WriteConcurrency { get; init; }
    public long? IncrementalMemoryLimit { get; init; }
    /// <summary>A size whose settings apply where the concurrency and memory options are not given themselves.</summary>
    public TaskResources? Resources { get; init; }
    public int? ChunkRows { get; init; }
    public bool? FullLoadBinlog { get; init; }
    public bool? AutoRestart { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public bool? IncrementalDdl { get; init; }
    public OnlineDdlTool? OnlineDdlTool { get; init; }
    /// <summary>The row changes <see cref="DmlDirection"/> applies.</summary>
    public IReadOnlyList<DmlTypes>? DmlTypes { get; init; }
    /// <summary>
    /// The direction <see cref="DmlTypes"/> is for (Forward when not given). Reverse also gives the rate limits, write
    /// concurrency and memory limit to the reverse direction alone (<see cref="MigrationTask.ReverseLimits"/>).
    /// </summary>
    public Direction? DmlDirection { get; init; }
    public StopAfter? StopAfter { get; init; }

    /// <summary>The options given, by their parameter names, for the confirmation message.</summary>
    public IReadOnlyList<string> Given()
    {
        var given = new List<string>();
        void Add(object? value, string name) { if (value is not null) given.Add(name); }
        Add(Include, "Include"); Add(Exclude, "Exclude"); Add(Renames, "Rename"); Add(RowFilters, "RowFilter"); Add(Columns, "Column"); Add(Partitions, "Partition");
        if (StartTimestampGiven) given.Add("StartTimestamp");
        Add(MigrationTypes, "MigrationType"); Add(NonEmptyTarget, "NonEmptyTarget"); Add(IndexMigration, "IndexMigration");
        Add(RowsPerSecond, "RowsPerSecond"); Add(BytesPerSecond, "BytesPerSecond"); Add(ReadConcurrency, "ReadConcurrency");
        Add(WriteConcurrency, "WriteConcurrency"); Add(IncrementalMemoryLimit, "IncrementalMemoryLimit"); Add(Resources, "Resources");
        Add(ChunkRows, "ChunkRows"); Add(FullLoadBinlog, "FullLoadBinlog"); Add(AutoRestart, "AutoRestart"); Add(Labels, "Label");
        Add(IncrementalDdl, "IncrementalDdl"); Add(OnlineDdlTool, "OnlineDdlTool");
        Add(DmlTypes, "DmlTypes"); Add(StopAfter, "StopAfter");
        return given;
    }

    /// <summary>Whether the change touches the task's objects, which are fixed once it has run.</summary>
    public IReadOnlyList<string> ObjectOptions() =>
        Given().Where(p => p is "Include" or "Exclude" or "Rename" or "RowFilter" or "Column" or "Partition").ToList();
}
