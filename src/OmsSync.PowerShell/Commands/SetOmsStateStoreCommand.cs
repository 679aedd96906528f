using System.Management.Automation;
using OmsSync.Engine.Model;
using OmsSync.Engine.Errors;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Chooses where the home ($OMSSYNC_HOME) keeps its state: the SQLite file (the default), or a database on a MariaDB
/// or PostgreSQL server that cmdlets and workers on several hosts share. The password is stored encrypted.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OmsStateStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsStateStore))]
public sealed class SetOmsStateStoreCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public StateStoreType Type { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Server { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>Copies the data sources, tasks and everything else of the current store into the new one (which must be empty).</summary>
    [Parameter]
    public SwitchParameter MoveExisting { get; set; }

    /// <summary>Switches even though the current store holds state, leaving that state where it is.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(null, () =>
    {
        var home = OmsHome.Default();
        StateStoreSettings wanted;
        if (Type == StateStoreType.Sqlite)
            wanted = StateStoreSettings.Sqlite;
        else
        {
            if (Server is null || Database is null || Credential is null)
                throw new OmsException("StateStoreIncomplete", OmsErrorKind.InvalidArgument, Type.ToString(),
                    $"A {Type} state store needs -Server, -Database and -Credential.");
            var port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port
                : (Type == StateStoreType.PostgreSql ? DataSourceKind.PostgreSql : DataSourceKind.MariaDb).DefaultPort();
            wanted = StateStoreSettings.ForServer(home, Type, Server, port, Database, Credential.UserName, Credential.GetNetworkCredential().Password);
        }
        if (Perform(StateStoreChoice.PlanSet(home, wanted, MoveExisting, Force), out var chosen) && PassThru)
            WriteObject(new OmsStateStore(home, chosen));
    });
}
