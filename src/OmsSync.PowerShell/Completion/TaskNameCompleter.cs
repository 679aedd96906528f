using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace OmsSync.PowerShell.Completion;

/// <summary>Completes task names from the state store in $OMSSYNC_HOME.</summary>
public sealed class TaskNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        NameCompletion.Complete(wordToComplete, service => service.Tasks.List().Select(t => (t.Name, $"{t.Source} -> {t.Target}")));
}
