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

    /// <summary>The database user, or Kafka's SASL user; a Kafka data source without SASL needs none.</summary>
    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Database { get; set; }

    /// <summary>Kafka: the listener's protocol (Plaintext, Ssl, SaslPlaintext, SaslSsl).</summary>
    [Parameter]
    public KafkaProtocol SecurityProtocol { get; set; }

    /// <summary>Kafka with SASL: how -Credential is presented (Plain, ScramSha256, ScramSha512).</summary>
    [Parameter]
    public KafkaSaslMechanism SaslMechanism { get; set; }

    /// <summary>Kafka with TLS: a PEM file of the CA certificates that sign the brokers' certificates.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CaCertificate { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var bound = MyInvocation.BoundParameters;
        var port = bound.ContainsKey(nameof(Port)) ? Port : (int?)null;
        var kafka = bound.ContainsKey(nameof(SecurityProtocol)) || bound.ContainsKey(nameof(SaslMechanism)) || CaCertificate is not null
            ? new KafkaSecurity
            {
                Protocol = SecurityProtocol, SaslMechanism = SaslMechanism,
                CaCertificate = CaCertificate is null ? null : GetUnresolvedProviderPathFromPSPath(CaCertificate),
            }
            : null;
        var credential = Credential == PSCredential.Empty ? null : Credential;
        var plan = new DataSourceService(Service).PlanRegister(Name, Type, Server, port, credential?.UserName,
            credential?.GetNetworkCredential().Password ?? "", Database, kafka);
        if (Perform(plan, out var source))
            WriteObject(new OmsDataSource(source));
    });
}
