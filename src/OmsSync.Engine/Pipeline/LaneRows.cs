using System.Text.Json;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// How a lane's progress is kept in a target's checkpoint table beside the checkpoint: direction "Forward/lane2",
/// position the checkpoint the batch built on, and the transactions it holds as JSON in the applied column.
/// </summary>
internal static class LaneRows
{
    private sealed record Stored(string? Until, IReadOnlyList<string> Applied);

    public static string Direction(Direction direction, int lane) => $"{direction}/lane{lane}";

    public static string Applied(LaneProgress progress) => JsonSerializer.Serialize(new Stored(progress.Until, progress.Applied));

    /// <summary>The lane's progress from its row; null for a row of another form (written by an older version).</summary>
    public static LaneProgress? Parse(Direction direction, string directionColumn, string position, string applied)
    {
        var prefix = Direction(direction, 0)[..^1];
        if (!directionColumn.StartsWith(prefix, StringComparison.Ordinal) || !int.TryParse(directionColumn.AsSpan(prefix.Length), out var lane)) return null;
        var stored = JsonSerializer.Deserialize<Stored>(applied);
        return stored is null ? null : new LaneProgress(lane, position, stored.Until, stored.Applied);
    }
}
