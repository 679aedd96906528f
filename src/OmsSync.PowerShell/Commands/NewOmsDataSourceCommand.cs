using System.Management.Automation;
using OmsSync.Engine.DataSources;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Registers a database endpoint; its password is stored encrypted in the state store.</summary>
[Cmdlet(VerbsCommon.New, "OmsDataSource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OmsDataSource))]
public sealed class NewOmsDataSourceCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public DataSourceKind Type { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter(Mandatory = true)]
    [Credential]
    [ValidateNotNull]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Database { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : (int?)null;
        var plan = new DataSourceService(Service).PlanRegister(Name, Type, Server, port, Credential.UserName, Credential.GetNetworkCredential().Password, Database);
        if (Perform(plan, out var source))
            WriteObject(new OmsDataSource(source));
    });
}
