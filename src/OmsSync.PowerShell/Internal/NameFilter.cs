using System.Management.Automation;

namespace OmsSync.PowerShell.Internal;

/// <summary>Matches names against -Name patterns the way Get-* cmdlets do: wildcards filter, plain names must exist.</summary>
internal static class NameFilter
{
    /// <summary>
    /// Returns the items whose name matches any pattern, in catalog order, each once; reports the plain
    /// names (no wildcard) that matched nothing through <paramref name="missing"/>.
    /// </summary>
    public static List<T> Select<T>(IEnumerable<T> items, Func<T, string> name, string[]? patterns, Action<string> missing)
    {
        var all = items.ToList();
        if (patterns is null || patterns.Length == 0)
            return all;
        var chosen = new List<T>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pattern in patterns)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matched = false;
            foreach (var item in all)
            {
                if (!wildcard.IsMatch(name(item))) continue;
                matched = true;
                if (seen.Add(name(item))) chosen.Add(item);
            }
            if (!matched && !WildcardPattern.ContainsWildcardCharacters(pattern))
                missing(pattern);
        }
        // Catalog order (by name), whatever the order of the patterns.
        return all.Where(chosen.Contains).ToList();
    }
}
