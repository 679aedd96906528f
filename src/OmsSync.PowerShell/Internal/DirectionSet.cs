using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Internal;

/// <summary>Remembers which task directions a pipeline has already handled, so each is acted on once.</summary>
internal sealed class DirectionSet
{
    private readonly HashSet<(string, Direction)> _seen = new();

    public bool Add(string task, Direction direction) => _seen.Add((task.ToLowerInvariant(), direction));
}
