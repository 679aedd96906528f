using System.Management.Automation;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Reads a task's DDL log: the DDL statements it met and what became of each (applied, paused, skipped ...).</summary>
[Cmdlet(VerbsCommon.Get, "OmsDdl")]
[OutputType(typeof(OmsDdl))]
public sealed class GetOmsDdlCommand : OmsCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public Direction? Direction { get; set; }

    [Parameter]
    public DdlOutcome[]? Outcome { get; set; }

    protected override void ProcessRecord()
    {
        var tasks = NameFilter.Select(Service.Tasks.List(), t => t.Name, Name,
            missing => WriteEngineError(Engine.State.TaskCatalog.NotFound(missing), missing));
        foreach (var task in tasks)
            Try(task.Name, () =>
            {
                foreach (var record in Service.DdlLog.List(task.Name, Direction))
                    if (Outcome is not { Length: > 0 } || Outcome.Contains(record.Outcome))
                        WriteObject(new OmsDdl(record));
            });
    }
}
