using OmsSync.Engine.Errors;

namespace OmsSync.Engine.PreCheck;

/// <summary>
/// The stable names of the pre-checks (<see cref="CheckResult.Check"/>), the ones -SkipCheck accepts. A check added
/// anywhere under PreCheck/ must be named here too: a unit test reads the sources and holds the two together.
/// </summary>
public static class CheckNames
{
    public static readonly IReadOnlyList<string> Known =
    [
        "Binlog", "BinlogFormat", "BinlogRowImage", "BulkLoad", "ColumnTypes", "Columns", "ConflictPolicy", "Connectivity", "Definer",
        "Encoding", "GeneratedColumns", "KafkaRole", "ObjectRules", "Objects", "ObjectsLeftBehind", "OmsBinlogged", "Partition", "PrimaryKey",
        "PublishPrivileges", "ReplicaIdentity", "ReplicationPrivileges", "ReplicationSlots", "ReversePrivileges", "RowFilter", "SourcePrivileges",
        "StoredObjects", "TableFeatures", "TargetEmpty", "TargetPrivileges", "TargetTable", "Topic", "TopicCreation", "Topology", "Transactions",
        "Version", "Views", "WalLevel", "WalSenders",
    ];

    /// <summary>The names as the checks spell them; an unknown one is refused, listing the known names.</summary>
    public static IReadOnlyList<string> Resolve(IEnumerable<string>? names, string parameter = "-SkipCheck")
    {
        var resolved = new List<string>();
        foreach (var name in names ?? [])
        {
            var known = Known.FirstOrDefault(k => string.Equals(k, name?.Trim(), StringComparison.OrdinalIgnoreCase))
                        ?? throw new OmsException("UnknownCheck", OmsErrorKind.InvalidArgument, name,
                            $"{parameter} names '{name}', which is not a pre-check. Known checks: {string.Join(", ", Known)}. " +
                            "Test-OmsTask shows each check's name in its Check column.");
            if (!resolved.Contains(known)) resolved.Add(known);
        }
        return resolved;
    }

    /// <summary>
    /// The results with each skipped check's results replaced by a warning that says so (and what it found, so the DBA
    /// still sees it); a skipped check that had nothing to say is recorded all the same.
    /// </summary>
    public static IReadOnlyList<CheckResult> Skip(IReadOnlyList<CheckResult> results, IReadOnlyList<string> skipped, string parameter = "-SkipCheck")
    {
        if (skipped.Count == 0) return results;
        var kept = new List<CheckResult>(results.Count);
        foreach (var result in results)
            kept.Add(skipped.Contains(result.Check)
                ? CheckResult.Warn(result.Check, $"Skipped: {result.Check} ({parameter}). It found: {result.Status}. {result.Message}", result.Target)
                : result);
        foreach (var name in skipped.Where(s => results.All(r => r.Check != s)))
            kept.Add(CheckResult.Warn(name, $"Skipped: {name} ({parameter}). It did not apply to this task."));
        return kept;
    }
}
