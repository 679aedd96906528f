using System.Management.Automation;
using OmsSync.Engine.State;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Shows tasks with what their workers report: status, phase, rows, speed, lag, position and per-table
/// progress. One object per direction that has run; a worker that died shows as Failed.
/// </summary>
[Cmdlet(VerbsCommon.Get, "OmsTask")]
[OutputType(typeof(OmsTask))]
public sealed class GetOmsTaskCommand : OmsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only tasks carrying at least one of these labels.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Label { get; set; }

    protected override void ProcessRecord()
    {
        var tasks = NameFilter.Select(Service.Tasks.List(), t => t.Name, Name, missing => WriteEngineError(TaskCatalog.NotFound(missing), missing));
        var labels = (Label ?? []).Select(l => new WildcardPattern(l, WildcardOptions.IgnoreCase)).ToList();
        var states = new TaskService(Service);
        foreach (var task in tasks.Where(t => labels.Count == 0 || t.Labels.Any(l => labels.Any(p => p.IsMatch(l)))))
            // Every direction is read before any is written: a downstream Remove-OmsTask may delete the task.
            Try(task.Name, () => WriteObject(states.Directions(task).Select(s => new OmsTask(s)).ToList(), enumerateCollection: true));
    }
}
