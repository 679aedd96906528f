using System.Management.Automation;
using Microsoft.PowerShell.Commands.Internal.Format;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Format-Table, on the engine's own table formatter.</summary>
[Cmdlet(VerbsCommon.Format, "Table")]
public sealed class FormatTableCommand : OuterFormatTableBase
{
    public FormatTableCommand() => FormatShapes.Use(this, "Table");
}
