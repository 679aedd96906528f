namespace OmsSync.Engine.Model;

/// <summary>One source table of a task, with where it goes and what of it moves.</summary>
public sealed record TableMapping
{
    public required string SourceDatabase { get; init; }
    public required string SourceTable { get; init; }
    public required string TargetDatabase { get; init; }
    public required string TargetTable { get; init; }
    /// <summary>The columns to migrate, or null for all.</summary>
    public IReadOnlyList<string>? Columns { get; init; }
    /// <summary>A WHERE condition on the source row, or null.</summary>
    public string? RowFilter { get; init; }
    /// <summary>The source partitions the full copy and verification read (MySQL family's PARTITION clause), or null for the whole table.</summary>
    public IReadOnlyList<string>? Partitions { get; init; }

    public string Source => $"{SourceDatabase}.{SourceTable}";
    public string Target => $"{TargetDatabase}.{TargetTable}";
}
