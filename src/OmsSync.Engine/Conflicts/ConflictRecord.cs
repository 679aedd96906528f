using OmsSync.Engine.Model;

namespace OmsSync.Engine.Conflicts;

/// <summary>How a write disagreed with what the target held (OMS data conflict scenarios, plus UpdateStale).</summary>
public enum ConflictType { InsertExists, UpdateMissing, UpdateKeyConflict, DeleteMissing, UpdateStale }

/// <summary>What to do about a conflict: keep the target row, make it equal the source, or let the newer row win.</summary>
public enum ConflictPolicy { Ignore, Overwrite, NewerWins }

/// <summary>One conflict, as kept in the conflict log. Row images are JSON objects of column to value.</summary>
public sealed record ConflictRecord
{
    public long Id { get; init; }
    public required string Task { get; init; }
    public required Direction Direction { get; init; }
    public required string Table { get; init; }
    /// <summary>The row's key as a JSON object of key column to value.</summary>
    public required string Key { get; init; }
    public required ConflictType Type { get; init; }
    public string? SourceBefore { get; init; }
    public string? SourceAfter { get; init; }
    public string? TargetRow { get; init; }
    public required ConflictPolicy Policy { get; init; }
    /// <summary>What was done: KeptTarget, AppliedSource, ...</summary>
    public required string Outcome { get; init; }
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? Resolved { get; init; }
    public string? Resolution { get; init; }
}
