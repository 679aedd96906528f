using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Get-Content on files: lines, or the whole text with -Raw.</summary>
[Cmdlet(VerbsCommon.Get, "Content")]
[OutputType(typeof(string))]
public sealed class GetContentCommand : PSCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("LiteralPath", "PSPath", "FullName")]
    public string[] Path { get; set; } = [];

    [Parameter]
    public SwitchParameter Raw { get; set; }

    [Parameter]
    [Alias("First", "Head")]
    public long TotalCount { get; set; } = -1;

    protected override void ProcessRecord()
    {
        foreach (string path in Path)
        {
            string fullPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (!File.Exists(fullPath))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"Cannot find path '{fullPath}' because it does not exist."),
                    "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand",
                    ErrorCategory.ObjectNotFound,
                    path));
                continue;
            }

            if (Raw)
            {
                WriteObject(File.ReadAllText(fullPath));
                continue;
            }

            IEnumerable<string> lines = File.ReadLines(fullPath);
            foreach (string line in TotalCount >= 0 ? lines.Take((int)Math.Min(TotalCount, int.MaxValue)) : lines)
            {
                WriteObject(line);
            }
        }
    }
}
