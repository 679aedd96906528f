using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for ConvertFrom-Json: objects become custom objects (or ordered hashtables with -AsHashtable).</summary>
[Cmdlet(VerbsData.ConvertFrom, "Json")]
public sealed class ConvertFromJsonCommand : PSCmdlet
{
    private readonly List<string> _lines = [];

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string InputObject { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter AsHashtable { get; set; }

    [Parameter]
    public SwitchParameter NoEnumerate { get; set; }

    protected override void ProcessRecord() => _lines.Add(InputObject);

    protected override void EndProcessing()
    {
        string text = string.Join('\n', _lines);
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            WriteObject(Convert(document.RootElement), enumerateCollection: !NoEnumerate);
        }
        catch (JsonException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidJson", ErrorCategory.ParserError, text));
        }
    }

    private object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => AsHashtable ? ToTable(element) : ToObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt32(out int i) ? i
            : element.TryGetInt64(out long l) ? l
            : element.GetRawText().Contains('.') || element.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase) ? element.GetDouble()
            : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private PSObject ToObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
        {
            result.Properties.Remove(property.Name);
            result.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
        }

        return result;
    }

    private IDictionary ToTable(JsonElement element)
    {
        var table = new OrderedHashtable();
        foreach (var property in element.EnumerateObject())
        {
            table[property.Name] = Convert(property.Value);
        }

        return table;
    }
}
