using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// How conflicts of some tables in some direction are handled. A task keeps a list of these; the most
/// specific rule that matches a table wins (a named table over a wildcard over all tables, one direction
/// over both, then the one set last).
/// </summary>
public sealed record ConflictRule
{
    /// <summary>A db.table rule (wildcards allowed) matched against the table's name on either side; null for all tables.</summary>
    public string? Table { get; init; }
    /// <summary>The direction the rule is for; null for both.</summary>
    public Direction? Direction { get; init; }
    public ConflictPolicy Policy { get; init; } = ConflictPolicy.Ignore;
    /// <summary>For NewerWins: the column whose larger value marks the newer row.</summary>
    public string? TimestampColumn { get; init; }
    /// <summary>
    /// Whether updates and deletes first check that the target row still equals the source's before-image
    /// (the UpdateStale conflict). Always on under NewerWins, which needs it to compare rows.
    /// </summary>
    public bool DetectStale { get; init; }

    /// <summary>Whether writes must match the whole before-image rather than just the key.</summary>
    public bool ChecksBeforeImage => DetectStale || Policy == ConflictPolicy.NewerWins;

    public static ConflictRule Default { get; } = new();

    /// <summary>The rule that applies to a table (named on either side) in a direction.</summary>
    public static ConflictRule Resolve(IReadOnlyList<ConflictRule> rules, Direction direction, ObjectName sourceSide, ObjectName targetSide)
    {
        ConflictRule? best = null;
        var bestRank = -1;
        foreach (var rule in rules)
        {
            if (rule.Direction is { } d && d != direction) continue;
            var tableRank = 0;
            if (rule.Table is { } pattern)
            {
                var parsed = ObjectPattern.TryParse(pattern, out _);
                if (parsed is null || !parsed.Matches(sourceSide, ignoreCase: true) && !parsed.Matches(targetSide, ignoreCase: true)) continue;
                tableRank = pattern.IndexOfAny(['*', '?']) >= 0 ? 1 : 2;
            }
            var rank = tableRank * 2 + (rule.Direction is null ? 0 : 1);
            if (rank >= bestRank)
            {
                best = rule;
                bestRank = rank;
            }
        }
        return best ?? Default;
    }

    /// <summary>Replaces the rule for the same tables and direction, or adds it.</summary>
    public static IReadOnlyList<ConflictRule> Set(IReadOnlyList<ConflictRule> rules, ConflictRule rule)
    {
        var kept = rules.Where(r => !(string.Equals(r.Table, rule.Table, StringComparison.OrdinalIgnoreCase) && r.Direction == rule.Direction)).ToList();
        kept.Add(rule);
        return kept;
    }

    public override string ToString() =>
        $"{Policy}{(TimestampColumn is null ? "" : $" on {TimestampColumn}")}{(DetectStale ? " (stale check)" : "")} for {Table ?? "all tables"}{(Direction is null ? "" : $" ({Direction})")}";
}
