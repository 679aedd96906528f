using System.Management.Automation;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Writes a task's whole definition as JSON (data sources by name, no secrets), for Import-OmsTask on this or another
/// state home; without -Path the JSON is the output.
/// </summary>
[Cmdlet(VerbsData.Export, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo), typeof(string))]
public sealed class ExportOmsTaskCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The file to write; without it the JSON is written to the pipeline.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var json = TaskDefinitionFile.Write(Service.Tasks.Get(Name));
        if (Path is null)
        {
            WriteObject(json);
            return;
        }
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (RefusesToReplace(path, NoClobber)) return;
        if (!ShouldProcess(path, $"Write the definition of task '{Name}'")) return;
        try
        {
            File.WriteAllText(path, json + Environment.NewLine);
            WriteObject(new FileInfo(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(OmsErrors.Unexpected(e, "ExportFailed", path));
        }
    });
}
