using System.Management.Automation;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for ConvertTo-Json, written with System.Text.Json (two-space indentation).</summary>
[Cmdlet(VerbsData.ConvertTo, "Json")]
[OutputType(typeof(string))]
public sealed class ConvertToJsonCommand : PSCmdlet
{
    private readonly List<object?> _input = [];

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public int Depth { get; set; } = 2;

    [Parameter]
    public SwitchParameter Compress { get; set; }

    [Parameter]
    public SwitchParameter EnumsAsStrings { get; set; }

    [Parameter]
    public SwitchParameter AsArray { get; set; }

    protected override void ProcessRecord() => _input.Add(InputObject);

    protected override void EndProcessing()
    {
        if (_input.Count == 0)
        {
            return;
        }

        var options = new JsonWriterOptions
        {
            Indented = !Compress,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            SkipValidation = true,
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            object? root = _input.Count == 1 && !AsArray ? _input[0] : _input;
            new JsonWriting(writer, Depth, EnumsAsStrings).Write(root);
        }

        WriteObject(Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings(Environment.NewLine));
    }
}
