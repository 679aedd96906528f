using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Registers a database endpoint; its password is stored encrypted in the state store.</summary>
[Cmdlet(VerbsCommon.New, "OmsDataSource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OmsDataSource))]
public sealed class NewOmsDataSourceCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

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

    protected override void ProcessRecord()
    {
        if (Names.CheckDataSourceName(Name) is { } invalid)
        {
            WriteError(invalid);
            return;
        }
        if (string.IsNullOrWhiteSpace(Credential.UserName))
        {
            WriteError(OmsErrors.InvalidArgument("InvalidCredential", "Credential", Name,
                "The credential has no user name. Pass -Credential (Get-Credential oms) or a PSCredential with the database user."));
            return;
        }
        var port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : Type.DefaultPort();
        var source = new DataSource
        {
            Name = Name,
            Kind = Type,
            Server = Server.Trim(),
            Port = port,
            User = Credential.UserName.TrimStart('\\'),
            Database = string.IsNullOrWhiteSpace(Database) ? null : Database,
        };
        if (!ShouldProcess($"{Name} ({Type} {source.User}@{source.Endpoint})", "Register data source"))
            return;
        try
        {
            _session.Service.DataSources.Add(source, Credential.GetNetworkCredential().Password);
            WriteObject(new OmsDataSource(_session.Service.DataSources.Get(Name)));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
