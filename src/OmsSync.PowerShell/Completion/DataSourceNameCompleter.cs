using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace OmsSync.PowerShell.Completion;

/// <summary>Completes data source names from the state store in $OMSSYNC_HOME.</summary>
public sealed class DataSourceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        NameCompletion.Complete(wordToComplete, service => service.DataSources.List().Select(s => (s.Name, $"{s.Kind} {s.Endpoint}")));
}
