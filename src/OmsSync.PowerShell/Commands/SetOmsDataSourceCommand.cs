using System.Management.Automation;
using OmsSync.Engine.DataSources;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Changes a registered data source's address, type, default database, credential or, for Kafka, how it is reached.</summary>
[Cmdlet(VerbsCommon.Set, "OmsDataSource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsDataSource))]
public sealed class SetOmsDataSourceCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public DataSourceKind Type { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Server { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>The default database; an empty string clears it.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Database { get; set; }

    /// <summary>Kafka: the listener's protocol (Plaintext, Ssl, SaslPlaintext, SaslSsl).</summary>
    [Parameter]
    public KafkaProtocol SecurityProtocol { get; set; }

    /// <summary>Kafka with SASL: how the credential is presented (Plain, ScramSha256, ScramSha512).</summary>
    [Parameter]
    public KafkaSaslMechanism SaslMechanism { get; set; }

    /// <summary>Kafka with TLS: a PEM file of the CA certificates that sign the brokers' certificates; an empty string goes back to the system's.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? CaCertificate { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var bound = MyInvocation.BoundParameters;
        var change = new DataSourceChange
        {
            Kind = bound.ContainsKey(nameof(Type)) ? Type : null,
            Server = Server,
            Port = bound.ContainsKey(nameof(Port)) ? Port : null,
            DatabaseGiven = bound.ContainsKey(nameof(Database)),
            Database = Database,
            User = Credential?.UserName,
            Password = Credential?.GetNetworkCredential().Password,
            SecurityProtocol = bound.ContainsKey(nameof(SecurityProtocol)) ? SecurityProtocol : null,
            SaslMechanism = bound.ContainsKey(nameof(SaslMechanism)) ? SaslMechanism : null,
            CaCertificateGiven = bound.ContainsKey(nameof(CaCertificate)),
            CaCertificate = string.IsNullOrEmpty(CaCertificate) ? null : GetUnresolvedProviderPathFromPSPath(CaCertificate),
        };
        var service = new DataSourceService(Service);
        Perform(service.PlanChange(Name, change), out _);
        if (PassThru)
            WriteObject(new OmsDataSource(Service.DataSources.Get(Name)));
    });
}
