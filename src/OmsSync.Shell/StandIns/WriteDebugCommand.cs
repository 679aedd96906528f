using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Debug.</summary>
[Cmdlet(VerbsCommunications.Write, "Debug")]
public sealed class WriteDebugCommand : PSCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("Msg")]
    [AllowEmptyString]
    public string Message { get; set; } = string.Empty;

    protected override void ProcessRecord() => WriteDebug(Message);
}
