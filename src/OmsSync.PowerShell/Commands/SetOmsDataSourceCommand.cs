using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Changes a registered data source's address, type, default database or credential.</summary>
[Cmdlet(VerbsCommon.Set, "OmsDataSource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsDataSource))]
public sealed class SetOmsDataSourceCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

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

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var bound = MyInvocation.BoundParameters;
        try
        {
            var current = _session.Service.DataSources.Get(Name);
            if (Credential is not null && string.IsNullOrWhiteSpace(Credential.UserName))
            {
                WriteError(OmsErrors.InvalidArgument("InvalidCredential", "Credential", Name,
                    "The credential has no user name. Pass -Credential (Get-Credential oms) or a PSCredential with the database user."));
                return;
            }
            var changed = current with
            {
                Kind = bound.ContainsKey(nameof(Type)) ? Type : current.Kind,
                Server = Server?.Trim() ?? current.Server,
                Port = bound.ContainsKey(nameof(Port)) ? Port : current.Port,
                User = Credential?.UserName.TrimStart('\\') ?? current.User,
                Database = bound.ContainsKey(nameof(Database)) ? (string.IsNullOrWhiteSpace(Database) ? null : Database) : current.Database,
            };
            var what = new List<string>();
            if (changed.Kind != current.Kind) what.Add($"type {current.Kind} -> {changed.Kind}");
            if (changed.Endpoint != current.Endpoint) what.Add($"endpoint {current.Endpoint} -> {changed.Endpoint}");
            if (changed.User != current.User) what.Add($"user {current.User} -> {changed.User}");
            if (changed.Database != current.Database) what.Add($"database '{current.Database}' -> '{changed.Database}'");
            if (Credential is not null) what.Add("password");
            if (what.Count > 0 && !ShouldProcess(Name, $"Change data source ({string.Join(", ", what)})"))
                return;
            if (what.Count > 0)
            {
                _session.Service.DataSources.Update(changed, Credential?.GetNetworkCredential().Password);
                var running = _session.Service.Tasks.List()
                    .Where(t => (t.Source == Name || t.Target == Name) && TaskStates.IsRunning(_session.Service, t.Name))
                    .Select(t => t.Name).ToList();
                if (running.Count > 0)
                    WriteWarning($"Task(s) {string.Join(", ", running.Select(t => $"'{t}'"))} run with the old settings of '{Name}' until restarted (Suspend-OmsTask, then Resume-OmsTask).");
            }
            if (PassThru)
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
