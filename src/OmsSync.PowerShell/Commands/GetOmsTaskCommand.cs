using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.State;
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
public sealed class GetOmsTaskCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

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
        var service = _session.Service;
        var tasks = NameFilter.Select(service.Tasks.List(), t => t.Name, Name,
            missing => WriteError(OmsErrors.From(TaskCatalog.NotFound(missing), missing)));
        var labels = (Label ?? []).Select(l => new WildcardPattern(l, WildcardOptions.IgnoreCase)).ToList();
        foreach (var task in tasks)
        {
            if (labels.Count > 0 && !task.Labels.Any(l => labels.Any(p => p.IsMatch(l))))
                continue;
            try
            {
                // Read every direction before writing any: a downstream Remove-OmsTask may delete the task.
                WriteObject(TaskStates.Directions(service, task).ToList(), enumerateCollection: true);
            }
            catch (OmsException e)
            {
                // Removed between listing and reading: say so and go on with the others.
                WriteError(OmsErrors.From(e, task.Name));
            }
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
