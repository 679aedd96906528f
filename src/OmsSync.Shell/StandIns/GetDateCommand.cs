using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Get-Date: the current (or given) time, optionally as text in a .NET format.</summary>
[Cmdlet(VerbsCommon.Get, "Date")]
public sealed class GetDateCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("LastWriteTime")]
    public DateTime? Date { get; set; }

    [Parameter]
    public string? Format { get; set; }

    [Parameter]
    public SwitchParameter AsUTC { get; set; }

    protected override void ProcessRecord()
    {
        DateTime value = Date ?? DateTime.Now;
        if (AsUTC)
        {
            value = value.ToUniversalTime();
        }

        WriteObject(Format is null ? value : value.ToString(Format, Host.CurrentCulture));
    }
}
