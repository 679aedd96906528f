using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Information.</summary>
[Cmdlet(VerbsCommunications.Write, "Information")]
public sealed class WriteInformationCommand : PSCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [Alias("Msg", "Message")]
    [AllowNull]
    public object? MessageData { get; set; }

    [Parameter(Position = 1)]
    public string[]? Tags { get; set; }

    protected override void ProcessRecord() => WriteInformation(MessageData, Tags ?? []);
}
