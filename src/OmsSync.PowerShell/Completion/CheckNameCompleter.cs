using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OmsSync.Engine.PreCheck;

namespace OmsSync.PowerShell.Completion;

/// <summary>Completes pre-check names (-SkipCheck) from the engine's list of them.</summary>
public sealed class CheckNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        return CheckNames.Known.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
