using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Reads the conflict log: writes that found the target different from what the source saw.</summary>
[Cmdlet(VerbsCommon.Get, "OmsConflict")]
[OutputType(typeof(OmsConflict))]
public sealed class GetOmsConflictCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Table { get; set; }

    [Parameter]
    public ConflictType[]? Type { get; set; }

    [Parameter]
    public Direction? Direction { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public SwitchParameter Unresolved { get; set; }

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        try
        {
            var tasks = NameFilter.Select(service.Tasks.List(), t => t.Name, Name,
                missing => WriteError(OmsErrors.From(Engine.State.TaskCatalog.NotFound(missing), missing)));
            var tables = Table?.Select(t => new WildcardPattern(t, WildcardOptions.IgnoreCase)).ToList();
            var since = TaskSettings.Timestamp(Since);
            foreach (var task in tasks)
                foreach (var record in service.Conflicts.List(task.Name, Direction, since, Unresolved))
                {
                    if (tables is not null && !tables.Any(p => p.IsMatch(record.Table))) continue;
                    if (Type is { Length: > 0 } && !Type.Contains(record.Type)) continue;
                    WriteObject(new OmsConflict(record));
                }
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name?.FirstOrDefault()));
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
