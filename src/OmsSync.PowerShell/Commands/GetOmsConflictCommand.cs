using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Reads the conflict log: writes that found the target different from what the source saw.</summary>
[Cmdlet(VerbsCommon.Get, "OmsConflict")]
[OutputType(typeof(OmsConflict))]
public sealed class GetOmsConflictCommand : OmsCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
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
        var tasks = NameFilter.Select(Service.Tasks.List(), t => t.Name, Name,
            missing => WriteEngineError(Engine.State.TaskCatalog.NotFound(missing), missing));
        var tables = Table?.Select(t => new WildcardPattern(t, WildcardOptions.IgnoreCase)).ToList();
        var since = Timestamps.From(Since);
        foreach (var task in tasks)
            Try(task.Name, () =>
            {
                foreach (var record in Service.Conflicts.List(task.Name, Direction, since, Unresolved))
                    if ((tables is null || tables.Any(p => p.IsMatch(record.Table))) && (Type is not { Length: > 0 } || Type.Contains(record.Type)))
                        WriteObject(new OmsConflict(record));
            });
    }
}
