using System.Management.Automation.Runspaces;

namespace OmsSync.Shell.StandIns;

/// <summary>
/// The host's stand-ins for common Microsoft.PowerShell.Utility and Management cmdlets,
/// which the engine package does not include. Each is added only when the session has no
/// command of that name and the real module is not installed beside the engine, so a real
/// cmdlet always wins.
/// </summary>
internal static class StandInCatalog
{
    private static readonly (string Name, Type Implementation)[] Cmdlets = [];

    public static void AddMissing(InitialSessionState state)
    {
        foreach (var (name, implementation) in Cmdlets)
        {
            if (state.Commands[name].Count == 0)
            {
                state.Commands.Add(new SessionStateCmdletEntry(name, implementation, helpFileName: null));
            }
        }
    }
}
