using System.Management.Automation;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Creates a task from a definition Export-OmsTask wrote, checked as New-OmsTask checks one; -Name, -Source and -Target
/// give it another name or other data sources (registered in this state home).
/// </summary>
[Cmdlet(VerbsData.Import, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OmsTask))]
public sealed class ImportOmsTaskCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The new task's name, when not the one in the file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string? Source { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string? Target { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        Try(Name ?? path, () =>
        {
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(new IOException($"Cannot read task definition '{path}': {e.Message} Give -Path a file Export-OmsTask wrote.", e),
                    "TaskFileNotRead", ErrorCategory.ReadError, path));
                return;
            }
            var definition = TaskDefinitionFile.Read(json, path);
            if (Perform(new TaskService(Service).PlanImport(definition, Name, Source, Target), out var created))
                WriteObject(new OmsTask(created));
        });
    }
}
