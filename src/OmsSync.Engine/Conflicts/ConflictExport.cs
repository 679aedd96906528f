using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OmsSync.Engine.Conflicts;

/// <summary>Writes conflict records as CSV (RFC 4180, every field quoted) or as a JSON array, one object per record.</summary>
public static class ConflictExport
{
    private static readonly string[] Columns =
        ["Id", "Task", "Direction", "Table", "Key", "Type", "SourceBefore", "SourceAfter", "TargetRow", "Policy", "Outcome", "Time", "Resolved", "Resolution"];

    /// <summary>The format a path's extension asks for: .json is JSON, anything else CSV.</summary>
    public static ConflictFileFormat FormatOf(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ConflictFileFormat.Json : ConflictFileFormat.Csv;

    public static void Write(string path, IReadOnlyList<ConflictRecord> records, ConflictFileFormat format) =>
        File.WriteAllText(path, format == ConflictFileFormat.Json ? ToJson(records) : ToCsv(records), new UTF8Encoding(false));

    private static string ToJson(IEnumerable<ConflictRecord> records) =>
        JsonSerializer.Serialize(records.Select(r => Columns.ToDictionary(c => c, c => Field(r, c))), new JsonSerializerOptions { WriteIndented = true });

    private static string ToCsv(IEnumerable<ConflictRecord> records)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", Columns.Select(Quote)));
        foreach (var record in records)
            csv.AppendLine(string.Join(",", Columns.Select(c => Quote(Field(record, c)))));
        return csv.ToString();
    }

    private static string? Field(ConflictRecord r, string column) => column switch
    {
        "Id" => r.Id.ToString(CultureInfo.InvariantCulture),
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

    // Quotes inside a field are doubled; an absent value is an empty field.
    private static string Quote(string? value) => value is null ? "" : "\"" + value.Replace("\"", "\"\"") + "\"";
}
