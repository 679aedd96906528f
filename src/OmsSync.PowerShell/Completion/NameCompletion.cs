using System.Management.Automation;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.PowerShell.Completion;

internal static class NameCompletion
{
    /// <summary>
    /// Names starting with what was typed (quotes stripped), quoted when they need it. Completion never
    /// creates a state store and never throws: a broken store completes nothing.
    /// </summary>
    public static IEnumerable<CompletionResult> Complete(string wordToComplete, Func<OmsService, IEnumerable<(string Name, string Tip)>> names)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        List<(string Name, string Tip)> candidates;
        try
        {
            if (!File.Exists(OmsHome.Default().StateDatabase))
                return [];
            candidates = names(OmsService.Open()).ToList();
        }
        catch (Exception)
        {
            return [];
        }
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        return candidates
            .Where(c => pattern.IsMatch(c.Name))
            .Select(c => new CompletionResult(Quote(c.Name), c.Name, CompletionResultType.ParameterValue, c.Tip))
            .ToList();
    }

    private static string Quote(string name) =>
        name.Any(c => char.IsWhiteSpace(c) || "'\"`$(){};,|&@#<>".Contains(c)) ? "'" + name.Replace("'", "''") + "'" : name;
}
