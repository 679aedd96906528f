using System.Collections;
using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Host: text for the console, on the information stream tagged PSHOST.</summary>
[Cmdlet(VerbsCommunications.Write, "Host")]
public sealed class WriteHostCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromRemainingArguments = true)]
    [Alias("Msg", "Message")]
    public object? Object { get; set; }

    [Parameter]
    public SwitchParameter NoNewline { get; set; }

    [Parameter]
    public object Separator { get; set; } = " ";

    [Parameter]
    public ConsoleColor? ForegroundColor { get; set; }

    [Parameter]
    public ConsoleColor? BackgroundColor { get; set; }

    protected override void ProcessRecord()
    {
        var message = new HostInformationMessage
        {
            Message = Render(Object),
            NoNewLine = NoNewline.IsPresent,
            ForegroundColor = ForegroundColor ?? Host.UI.RawUI.ForegroundColor,
            BackgroundColor = BackgroundColor ?? Host.UI.RawUI.BackgroundColor,
        };
        WriteInformation(message, ["PSHOST"]);
    }

    private string Render(object? value)
    {
        object? baseValue = value is PSObject wrapped ? wrapped.BaseObject : value;
        return baseValue switch
        {
            null => string.Empty,
            string text => text,
            IEnumerable items => string.Join(Separator?.ToString(), items.Cast<object?>().Select(Render)),
            _ => value!.ToString() ?? string.Empty,
        };
    }
}
