using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace OmsSync.PowerShell.Completion;

/// <summary>
/// Completes table names (database.table, source and target side) of the tasks named by -Name, or of every task,
/// from what the state store knows of them: the tables their full copy planned.
/// </summary>
public sealed class TableNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var named = fakeBoundParameters["Name"] switch
        {
            string one => [one],
            IEnumerable many => many.Cast<object>().Select(o => o.ToString() ?? "").ToArray(),
            _ => null,
        };
        return NameCompletion.Complete(wordToComplete, service => service.Tasks.List()
            .Where(t => named is null || named.Any(n => new WildcardPattern(n, WildcardOptions.IgnoreCase).IsMatch(t.Name)))
            .SelectMany(t => service.Runtime.TableProgress(t.Name))
            .SelectMany(p => new[] { (p.SourceTable, $"source of {p.TargetTable} ({p.Task})"), (p.TargetTable, $"target of {p.SourceTable} ({p.Task})") })
            .DistinctBy(c => c.Item1, StringComparer.OrdinalIgnoreCase));
    }
}
