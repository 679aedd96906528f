using System.Management.Automation;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Lists registered data sources, all or those whose names match -Name.</summary>
[Cmdlet(VerbsCommon.Get, "OmsDataSource")]
[OutputType(typeof(OmsDataSource))]
public sealed class GetOmsDataSourceCommand : OmsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord() => Try(null, () =>
    {
        var sources = NameFilter.Select(Service.DataSources.List(), s => s.Name, Name,
            missing => WriteEngineError(DataSourceCatalog.NotFound(missing), missing));
        foreach (var source in sources)
            WriteObject(new OmsDataSource(source));
    });
}
