using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Verbose.</summary>
[Cmdlet(VerbsCommunications.Write, "Verbose")]
public sealed class WriteVerboseCommand : PSCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("Msg")]
    [AllowEmptyString]
    public string Message { get; set; } = string.Empty;

    protected override void ProcessRecord() => WriteVerbose(Message);
}
