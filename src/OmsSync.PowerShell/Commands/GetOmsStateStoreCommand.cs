using System.Management.Automation;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Shows where the home ($OMSSYNC_HOME) keeps its state: the SQLite file, or a database on a server.</summary>
[Cmdlet(VerbsCommon.Get, "OmsStateStore")]
[OutputType(typeof(OmsStateStore))]
public sealed class GetOmsStateStoreCommand : OmsCmdlet
{
    protected override void ProcessRecord()
    {
        var home = OmsHome.Default();
        try
        {
            WriteObject(new OmsStateStore(home, StateStoreSettings.Load(home)));
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "StateStoreSettingsUnreadable", ErrorCategory.ReadError, StateStoreSettings.PathIn(home)));
        }
    }
}
