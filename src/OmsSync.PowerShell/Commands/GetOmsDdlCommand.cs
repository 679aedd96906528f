using System.Management.Automation;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Reads a task's DDL log: the DDL statements it met and what became of each (applied, paused, skipped ...).</summary>
[Cmdlet(VerbsCommon.Get, "OmsDdl")]
[OutputType(typeof(OmsDdl))]
public sealed class GetOmsDdlCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

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
        var service = _session.Service;
        try
        {
            var tasks = NameFilter.Select(service.Tasks.List(), t => t.Name, Name,
                missing => WriteError(OmsErrors.From(Engine.State.TaskCatalog.NotFound(missing), missing)));
            foreach (var task in tasks)
                foreach (var record in service.DdlLog.List(task.Name, Direction))
                    if (Outcome is not { Length: > 0 } || Outcome.Contains(record.Outcome))
                        WriteObject(new OmsDdl(record));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name?.FirstOrDefault()));
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
