using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Writes conflict records to a CSV or JSON file: a task's whole conflict log (-Name), or the records piped
/// in from Get-OmsConflict. The format follows the file's extension unless -Format says otherwise.
/// </summary>
[Cmdlet(VerbsData.Export, "OmsConflict", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = NameSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOmsConflictCommand : OmsCmdlet
{
    private const string NameSet = "Name";
    private const string ObjectSet = "InputObject";

    private readonly List<ConflictRecord> _records = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public OmsConflict[] InputObject { get; set; } = [];

    [Parameter]
    public ConflictFileFormat? Format { get; set; }

    /// <summary>Refuses to replace an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ObjectSet)
            _records.AddRange(InputObject.Select(c => c.Record));
    }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var format = Format ?? ConflictExport.FormatOf(path);
        Try(Name, () =>
        {
            if (ParameterSetName == NameSet)
                _records.AddRange(Service.Conflicts.List(Service.Tasks.Get(Name).Name));
            if (RefusesToReplace(path, NoClobber)) return;
            if (!ShouldProcess(path, $"Write {_records.Count} conflict record(s) as {format}"))
                return;
            try
            {
                ConflictExport.Write(path, _records, format);
                WriteObject(new FileInfo(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(OmsErrors.Unexpected(e, "ExportFailed", path));
            }
        });
    }
}
