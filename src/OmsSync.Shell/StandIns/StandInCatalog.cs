using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OmsSync.Shell.StandIns;

/// <summary>
/// The host's stand-ins for common cmdlets of Microsoft.PowerShell.Utility and
/// Microsoft.PowerShell.Management, modules the engine package does not include. They
/// cover the everyday parameters only. Each is added only when the session has no command
/// of that name and its real module's assembly is not installed beside the engine, so a
/// real cmdlet always wins.
/// </summary>
internal static class StandInCatalog
{
    private const string UtilityAssembly = "Microsoft.PowerShell.Commands.Utility.dll";
    private const string ManagementAssembly = "Microsoft.PowerShell.Commands.Management.dll";

    private static readonly (string Name, Type Implementation, string RealAssembly)[] Cmdlets =
    [
        ("Write-Output", typeof(WriteOutputCommand), UtilityAssembly),
        ("Write-Host", typeof(WriteHostCommand), UtilityAssembly),
        ("Write-Error", typeof(WriteErrorCommand), UtilityAssembly),
        ("Write-Warning", typeof(WriteWarningCommand), UtilityAssembly),
        ("Write-Verbose", typeof(WriteVerboseCommand), UtilityAssembly),
        ("Write-Debug", typeof(WriteDebugCommand), UtilityAssembly),
        ("Write-Information", typeof(WriteInformationCommand), UtilityAssembly),
        ("Write-Progress", typeof(WriteProgressCommand), UtilityAssembly),
        ("Select-Object", typeof(SelectObjectCommand), UtilityAssembly),
        ("Sort-Object", typeof(SortObjectCommand), UtilityAssembly),
        ("Format-Table", typeof(FormatTableCommand), UtilityAssembly),
        ("Format-List", typeof(FormatListCommand), UtilityAssembly),
        ("Out-String", typeof(OutStringCommand), UtilityAssembly),
        ("ConvertTo-Json", typeof(ConvertToJsonCommand), UtilityAssembly),
        ("ConvertFrom-Json", typeof(ConvertFromJsonCommand), UtilityAssembly),
        ("Start-Sleep", typeof(StartSleepCommand), UtilityAssembly),
        ("Get-Date", typeof(GetDateCommand), UtilityAssembly),
        ("Get-Content", typeof(GetContentCommand), ManagementAssembly),
        ("Test-Path", typeof(TestPathCommand), ManagementAssembly),
    ];

    /// <summary>The names of all stand-ins, whether or not a session needs them.</summary>
    public static IEnumerable<string> Names => Cmdlets.Select(c => c.Name);

    public static void AddMissing(InitialSessionState state)
    {
        string engineDirectory = Path.GetDirectoryName(typeof(PSObject).Assembly.Location) ?? AppContext.BaseDirectory;
        bool formatShapesWork = FormatShapes.Available();
        foreach (var (name, implementation, realAssembly) in Cmdlets)
        {
            bool realInstalled = File.Exists(Path.Combine(engineDirectory, realAssembly));
            bool usable = formatShapesWork || !typeof(Microsoft.PowerShell.Commands.Internal.Format.FrontEndCommandBase).IsAssignableFrom(implementation);
            if (state.Commands[name].Count == 0 && !realInstalled && usable)
            {
                state.Commands.Add(new SessionStateCmdletEntry(name, implementation, helpFileName: null));
            }
        }
    }
}
