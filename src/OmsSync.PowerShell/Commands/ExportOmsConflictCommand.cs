using System.Management.Automation;
using System.Text;
using System.Text.Json;
using OmsSync.Engine.Errors;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>What Export-OmsConflict writes.</summary>
public enum ConflictFileFormat { Csv, Json }

/// <summary>
/// Writes conflict records to a CSV or JSON file: a task's whole conflict log (-Name), or the records piped
/// in from Get-OmsConflict. The format follows the file's extension unless -Format says otherwise.
/// </summary>
[Cmdlet(VerbsData.Export, "OmsConflict", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = NameSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOmsConflictCommand : PSCmdlet, IDisposable
{
    private const string NameSet = "Name";
    private const string ObjectSet = "InputObject";
    private static readonly string[] Columns =
        ["Id", "Task", "Direction", "Table", "Key", "Type", "SourceBefore", "SourceAfter", "TargetRow", "Policy", "Outcome", "Time", "Resolved", "Resolution"];

    private readonly CmdletSession _session = new();
    private readonly List<OmsConflict> _records = new();

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
            _records.AddRange(InputObject);
    }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var format = Format ?? (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ConflictFileFormat.Json : ConflictFileFormat.Csv);
        try
        {
            if (ParameterSetName == NameSet)
            {
                var task = _session.Service.Tasks.Get(Name);
                _records.AddRange(_session.Service.Conflicts.List(task.Name).Select(r => new OmsConflict(r)));
            }
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
            return;
        }
        if (NoClobber && File.Exists(path))
        {
            WriteError(new ErrorRecord(new IOException($"File '{path}' exists and -NoClobber was given. Choose another -Path, or leave out -NoClobber to replace it."),
                "FileExists", ErrorCategory.ResourceExists, path));
            return;
        }
        if (!ShouldProcess(path, $"Write {_records.Count} conflict record(s) as {format}"))
            return;
        try
        {
            var text = format == ConflictFileFormat.Json ? ToJson(_records) : ToCsv(_records);
            File.WriteAllText(path, text, new UTF8Encoding(false));
            WriteObject(new FileInfo(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(OmsErrors.Unexpected(e, "ExportFailed", path));
        }
    }

    private static string ToJson(IEnumerable<OmsConflict> records) =>
        JsonSerializer.Serialize(records.Select(r => Columns.ToDictionary(c => c, c => Field(r, c))), new JsonSerializerOptions { WriteIndented = true });

    private static string ToCsv(IEnumerable<OmsConflict> records)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", Columns.Select(Quote)));
        foreach (var record in records)
            csv.AppendLine(string.Join(",", Columns.Select(c => Quote(Field(record, c)))));
        return csv.ToString();
    }

    private static string? Field(OmsConflict r, string column) => column switch
    {
        "Id" => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "Task" => r.Task,
        "Direction" => r.Direction.ToString(),
        "Table" => r.Table,
        "Key" => r.Key,
        "Type" => r.Type.ToString(),
        "SourceBefore" => r.SourceBefore,
        "SourceAfter" => r.SourceAfter,
        "TargetRow" => r.TargetRow,
        "Policy" => r.Policy.ToString(),
        "Outcome" => r.Outcome,
        "Time" => r.Time.ToString("O"),
        "Resolved" => r.Resolved?.ToString("O"),
        _ => r.Resolution,
    };

    // RFC 4180: every field quoted, quotes doubled; an absent value is an empty field.
    private static string Quote(string? value) => value is null ? "" : "\"" + value.Replace("\"", "\"\"") + "\"";

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
