using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Output: sends objects down the pipeline.</summary>
[Cmdlet(VerbsCommunications.Write, "Output")]
public sealed class WriteOutputCommand : PSCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromRemainingArguments = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public PSObject[]? InputObject { get; set; }

    [Parameter]
    public SwitchParameter NoEnumerate { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            WriteObject(null);
            return;
        }

        // A single argument is sent as itself (enumerated unless -NoEnumerate), as Write-Output does.
        object value = InputObject.Length == 1 ? InputObject[0] : InputObject;
        WriteObject(value, enumerateCollection: !NoEnumerate);
    }
}
