using System.Management.Automation;
using Microsoft.PowerShell.Commands.Internal.Format;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Format-List, on the engine's own list formatter.</summary>
[Cmdlet(VerbsCommon.Format, "List")]
public sealed class FormatListCommand : OuterFormatTableAndListBase
{
    public FormatListCommand() => FormatShapes.Use(this, "List");
}
