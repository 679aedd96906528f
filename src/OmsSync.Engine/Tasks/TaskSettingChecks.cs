using OmsSync.Engine.Model;

namespace OmsSync.Engine.Tasks;

/// <summary>Checks of the task settings that creating and changing a task share (numbers, phases, start time, DDL).</summary>
internal static class TaskSettingChecks
{
    private const long MinIncrementalMemory = 1L << 20;
    /// <summary>A chunk is one target transaction held in memory: past this, one chunk alone could take gigabytes.</summary>
    private const int MaxChunkRows = 10_000_000;

    /// <summary>Each limit is checked when given (null: left as it is).</summary>
    public static void CheckLimits(TaskOptionReader options, long? rowsPerSecond, long? bytesPerSecond, int? readConcurrency, int? writeConcurrency,
        long? incrementalMemoryLimit = null, int? chunkRows = null)
    {
        if (incrementalMemoryLimit < MinIncrementalMemory)
            options.Fail("InvalidIncrementalMemoryLimit", $"-IncrementalMemoryLimit is {incrementalMemoryLimit} bytes; give at least 1MB (e.g. 64MB): below that every transaction waits in a spill file.");
        if (chunkRows is < 0 or > MaxChunkRows)
            options.Fail("InvalidChunkRows", $"-ChunkRows is {chunkRows}; give 0 (chunks sized by the rows' length) or 1 to {MaxChunkRows:N0} rows per chunk.");
        if (rowsPerSecond < 0)
            options.Fail("InvalidRowsPerSecond", $"-RowsPerSecond is {rowsPerSecond}; give 0 (no limit) or a positive number of rows per second.");
        if (bytesPerSecond < 0)
            options.Fail("InvalidBytesPerSecond", $"-BytesPerSecond is {bytesPerSecond}; give 0 (no limit) or a positive number of bytes per second, e.g. 50MB.");
        if (readConcurrency < 1)
            options.Fail("InvalidReadConcurrency", $"-ReadConcurrency is {readConcurrency}; at least 1 reader is needed. Give 1 or more.");
        if (writeConcurrency < 1)
            options.Fail("InvalidWriteConcurrency", $"-WriteConcurrency is {writeConcurrency}; at least 1 writer is needed. Give 1 or more.");
    }

    public static MigrationTypes CheckMigrationTypes(TaskOptionReader options, IEnumerable<MigrationTypes> types, Topology topology)
    {
        var combined = types.Aggregate(MigrationTypes.None, (all, t) => all | t);
        if (combined == MigrationTypes.None)
            options.Fail("InvalidMigrationType", "-MigrationType names no phase. Give one or more of Schema, Full, Incremental, Verify, e.g. -MigrationType Schema,Full,Incremental.");
        if (topology == Topology.Bidirectional && !combined.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidMigrationType", "A bidirectional task synchronizes changes both ways, which needs incremental synchronization. Add Incremental to -MigrationType, or use -Topology OneWay.");
        return combined;
    }

    public static void CheckStartTimestamp(TaskOptionReader options, MigrationTypes types, DateTimeOffset? start)
    {
        if (start is null) return;
        if (!types.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidStartTimestamp", "-StartTimestamp sets where incremental synchronization starts, but -MigrationType has no Incremental. Add Incremental or leave -StartTimestamp out.");
        else if (types.HasFlag(MigrationTypes.Full))
            options.Fail("InvalidStartTimestamp", "-StartTimestamp cannot go with Full migration: incremental synchronization then starts where the full copy began. Leave -StartTimestamp out, or drop Full from -MigrationType.");
        else if (start.Value > DateTimeOffset.UtcNow)
            options.Fail("InvalidStartTimestamp", $"-StartTimestamp {start.Value.LocalDateTime:O} lies in the future. Give a time the source's binlog still covers.");
    }

    /// <summary>DDL synchronization needs incremental synchronization between MySQL-family servers; an online DDL tool needs DDL synchronization.</summary>
    public static void CheckDdl(TaskOptionReader options, MigrationTypes types, bool incrementalDdl, OnlineDdlTool tool, IEnumerable<DataSource?> servers)
    {
        if (incrementalDdl && !types.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidIncrementalDdl", "-IncrementalDdl synchronizes DDL during incremental synchronization, but -MigrationType has no Incremental. Add Incremental or leave -IncrementalDdl out.");
        // A Kafka target takes a MySQL-family source's DDL as schema-change events.
        if (incrementalDdl && servers.FirstOrDefault(s => s is not null && !s.Kind.IsMySqlFamily() && s.Kind != DataSourceKind.Kafka) is { } other)
            options.Fail("InvalidIncrementalDdl", $"-IncrementalDdl synchronizes DDL between MySQL-family servers; data source '{other.Name}' is {other.Kind}. Leave -IncrementalDdl out for this task.");
        if (tool != OnlineDdlTool.None && !incrementalDdl)
            options.Fail("InvalidOnlineDdlTool", $"-OnlineDdlTool {tool} adapts DDL synchronization to the tool's table swap, but DDL synchronization is off. Add -IncrementalDdl, or leave -OnlineDdlTool out.");
    }

    public static IReadOnlyList<string> Labels(IEnumerable<string?>? labels) =>
        (labels ?? []).Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// The row changes a direction is to apply: at least one kind, for a direction that applies changes at all (incremental
    /// synchronization; the reverse one only on a bidirectional task). Null when none were given.
    /// </summary>
    public static DmlTypes? CheckDmlTypes(TaskOptionReader options, IReadOnlyList<DmlTypes>? given, Direction direction, MigrationTypes types, Topology topology)
    {
        if (given is null) return null;
        var kinds = given.Aggregate(DmlTypes.None, (all, kind) => all | kind);
        if (kinds == DmlTypes.None)
            options.Fail("InvalidDmlTypes", "-DmlTypes names no kind of change. Give one or more of Insert, Update, Delete; to stop a direction applying changes, suspend it with Suspend-OmsTask.");
        if (!types.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidDmlTypes", "-DmlTypes chooses which changes incremental synchronization applies, but -MigrationType has no Incremental. Add Incremental or leave -DmlTypes out.");
        if (direction == Direction.Reverse && topology != Topology.Bidirectional)
            options.Fail("InvalidDmlTypes", "-DmlTypes is given for the reverse direction, but the task is one-way. Only a task created with New-OmsTask -Topology Bidirectional has one; leave -Direction out for the forward direction.");
        return kinds;
    }

    /// <summary>A -StopAfter phase must be one the task runs, with a phase after it to wait for.</summary>
    public static void CheckStopAfter(TaskOptionReader options, StopAfter stopAfter, MigrationTypes types)
    {
        var (runs, follows) = stopAfter switch
        {
            StopAfter.Schema => (types.HasFlag(MigrationTypes.Schema), (types & (MigrationTypes.Full | MigrationTypes.Incremental | MigrationTypes.Verify)) != 0),
            StopAfter.Full => (types.HasFlag(MigrationTypes.Full), (types & (MigrationTypes.Incremental | MigrationTypes.Verify)) != 0),
            _ => (true, true),
        };
        if (!runs)
            options.Fail("InvalidStopAfter", $"-StopAfter {stopAfter} stops the task after its {stopAfter} phase, but -MigrationType has no {stopAfter}. Add {stopAfter} or choose another phase.");
        else if (!follows)
            options.Fail("InvalidStopAfter", $"-StopAfter {stopAfter} waits before the next phase, but the task has no phase after {stopAfter} (-MigrationType {types}). Leave -StopAfter out, or add a later phase.");
    }
}
