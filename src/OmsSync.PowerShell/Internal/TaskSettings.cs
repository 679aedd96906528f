using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Internal;

/// <summary>Checks of the task options that New-OmsTask and Set-OmsTask share (numbers, labels, migration types).</summary>
internal static class TaskSettings
{
    public static void CheckLimits(TaskOptions options, IDictionary<string, object> bound, long rowsPerSecond, long bytesPerSecond, int readConcurrency, int writeConcurrency)
    {
        if (bound.ContainsKey("RowsPerSecond") && rowsPerSecond < 0)
            options.Fail("InvalidRowsPerSecond", "RowsPerSecond", $"-RowsPerSecond is {rowsPerSecond}; give 0 (no limit) or a positive number of rows per second.");
        if (bound.ContainsKey("BytesPerSecond") && bytesPerSecond < 0)
            options.Fail("InvalidBytesPerSecond", "BytesPerSecond", $"-BytesPerSecond is {bytesPerSecond}; give 0 (no limit) or a positive number of bytes per second, e.g. 50MB.");
        if (bound.ContainsKey("ReadConcurrency") && readConcurrency < 1)
            options.Fail("InvalidReadConcurrency", "ReadConcurrency", $"-ReadConcurrency is {readConcurrency}; at least 1 reader is needed. Give 1 or more.");
        if (bound.ContainsKey("WriteConcurrency") && writeConcurrency < 1)
            options.Fail("InvalidWriteConcurrency", "WriteConcurrency", $"-WriteConcurrency is {writeConcurrency}; at least 1 writer is needed. Give 1 or more.");
    }

    public static MigrationTypes CheckMigrationTypes(TaskOptions options, MigrationTypes[] types, Topology topology)
    {
        var combined = types.Aggregate(MigrationTypes.None, (all, t) => all | t);
        if (combined == MigrationTypes.None)
            options.Fail("InvalidMigrationType", "MigrationType", "-MigrationType names no phase. Give one or more of Schema, Full, Incremental, Verify, e.g. -MigrationType Schema,Full,Incremental.");
        if (topology == Topology.Bidirectional && !combined.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidMigrationType", "MigrationType", "A bidirectional task synchronizes changes both ways, which needs incremental synchronization. Add Incremental to -MigrationType, or use -Topology OneWay.");
        return combined;
    }

    public static void CheckStartTimestamp(TaskOptions options, MigrationTypes types, DateTime? start)
    {
        if (start is null) return;
        if (!types.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidStartTimestamp", "StartTimestamp", "-StartTimestamp sets where incremental synchronization starts, but -MigrationType has no Incremental. Add Incremental or leave -StartTimestamp out.");
        else if (types.HasFlag(MigrationTypes.Full))
            options.Fail("InvalidStartTimestamp", "StartTimestamp", "-StartTimestamp cannot go with Full migration: incremental synchronization then starts where the full copy began. Leave -StartTimestamp out, or drop Full from -MigrationType.");
        else if (start.Value.ToUniversalTime() > DateTime.UtcNow)
            options.Fail("InvalidStartTimestamp", "StartTimestamp", $"-StartTimestamp {start.Value:O} lies in the future. Give a time the source's binlog still covers.");
    }

    /// <summary>DDL synchronization needs incremental synchronization between MySQL-family servers; an online DDL tool needs DDL synchronization.</summary>
    public static void CheckDdl(TaskOptions options, MigrationTypes types, bool incrementalDdl, OnlineDdlTool tool, IEnumerable<DataSource?> servers)
    {
        if (incrementalDdl && !types.HasFlag(MigrationTypes.Incremental))
            options.Fail("InvalidIncrementalDdl", "IncrementalDdl", "-IncrementalDdl synchronizes DDL during incremental synchronization, but -MigrationType has no Incremental. Add Incremental or leave -IncrementalDdl out.");
        if (incrementalDdl && servers.FirstOrDefault(s => s is not null && !s.Kind.IsMySqlFamily()) is { } other)
            options.Fail("InvalidIncrementalDdl", "IncrementalDdl", $"-IncrementalDdl synchronizes DDL between MySQL-family servers; data source '{other.Name}' is {other.Kind}. Leave -IncrementalDdl out for this task.");
        if (tool != OnlineDdlTool.None && !incrementalDdl)
            options.Fail("InvalidOnlineDdlTool", "OnlineDdlTool", $"-OnlineDdlTool {tool} adapts DDL synchronization to the tool's table swap, but DDL synchronization is off. Add -IncrementalDdl, or leave -OnlineDdlTool out.");
    }

    public static IReadOnlyList<string> Labels(string[]? labels) =>
        (labels ?? []).Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static DateTimeOffset? Timestamp(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Local) : v) : null;
}
