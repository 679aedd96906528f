using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Warning.</summary>
[Cmdlet(VerbsCommunications.Write, "Warning")]
public sealed class WriteWarningCommand : PSCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("Msg")]
    [AllowEmptyString]
    public string Message { get; set; } = string.Empty;

    protected override void ProcessRecord() => WriteWarning(Message);
}
