using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>Unregisters data sources; refuses while a task uses one.</summary>
[Cmdlet(VerbsCommon.Remove, "OmsDataSource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOmsDataSourceCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            try
            {
                var source = _session.Service.DataSources.Get(name);
                if (!ShouldProcess($"{source.Name} ({source.Kind} {source.User}@{source.Endpoint})", "Remove data source"))
                    continue;
                _session.Service.DataSources.Remove(source.Name);
            }
            catch (OmsException e)
            {
                WriteError(OmsErrors.From(e, name));
            }
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
