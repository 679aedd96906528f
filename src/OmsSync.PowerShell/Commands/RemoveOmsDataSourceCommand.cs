using System.Management.Automation;
using OmsSync.Engine.DataSources;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>Unregisters data sources; refuses while a task uses one.</summary>
[Cmdlet(VerbsCommon.Remove, "OmsDataSource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOmsDataSourceCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
            Try(name, () => Perform(new DataSourceService(Service).PlanRemove(name), out _));
    }
}
