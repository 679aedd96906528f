using System.Management.Automation;
using System.Text;
using OmsSync.Shell.Hosting;

namespace OmsSync.Shell.StandIns;

/// <summary>
/// Stand-in for Out-String: the objects go through Out-Default in a nested pipeline while
/// the console's output is captured, so the text is exactly what would have been shown
/// (at 120 columns).
/// </summary>
[Cmdlet(VerbsData.Out, "String")]
[OutputType(typeof(string))]
public sealed class OutStringCommand : PSCmdlet
{
    private readonly List<PSObject> _input = [];

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    public SwitchParameter Stream { get; set; }

    [Parameter]
    public SwitchParameter NoNewline { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            _input.Add(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        var text = new StringBuilder();
        var console = ShellConsole.Current
            ?? throw new PSInvalidOperationException("Out-String needs the omssync console host.");
        using (console.Capture(text))
        using (var nested = PowerShell.Create(RunspaceMode.CurrentRunspace))
        {
            nested.AddCommand("Out-Default").Invoke(_input);
        }

        string result = text.ToString().Replace("\r\n", "\n");
        if (Stream)
        {
            foreach (string line in result.TrimEnd('\n').Split('\n'))
            {
                WriteObject(line);
            }
        }
        else
        {
            WriteObject(NoNewline ? result.Replace("\n", string.Empty) : result);
        }
    }
}
