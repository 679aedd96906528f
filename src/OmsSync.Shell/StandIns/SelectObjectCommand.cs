using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Select-Object: -Property, -ExpandProperty, -First, -Last, -Skip, -Unique.</summary>
[Cmdlet(VerbsCommon.Select, "Object")]
public sealed class SelectObjectCommand : PSCmdlet
{
    private readonly List<PSObject> _held = [];
    private readonly HashSet<string> _seen = [];
    private PropertySpec[] _specs = [];
    private int _skipped;
    private int _emitted;

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Position = 0)]
    public object[]? Property { get; set; }

    [Parameter]
    public string? ExpandProperty { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int First { get; set; } = -1;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Last { get; set; } = -1;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Skip { get; set; }

    [Parameter]
    public SwitchParameter Unique { get; set; }

    protected override void BeginProcessing() => _specs = (Property ?? []).Select(PropertySpec.From).ToArray();

    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }

        if (Last >= 0)
        {
            _held.Add(InputObject);
            return;
        }

        if (_skipped < Skip)
        {
            _skipped++;
            return;
        }

        if (First < 0 || _emitted < First)
        {
            Emit(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        if (Last < 0)
        {
            return;
        }

        int end = Math.Max(_held.Count - Skip, 0);
        foreach (var item in _held.Take(end).Skip(Math.Max(end - Last, 0)).Take(First < 0 ? int.MaxValue : First))
        {
            Emit(item);
        }
    }

    private void Emit(PSObject input)
    {
        _emitted++;
        if (ExpandProperty is not null)
        {
            object? value = input.Properties[ExpandProperty]?.Value
                ?? throw new PSArgumentException($"Property \"{ExpandProperty}\" cannot be found.");
            WriteUnique(PSObject.AsPSObject(value), enumerate: true);
            return;
        }

        if (_specs.Length == 0)
        {
            WriteUnique(input, enumerate: false);
            return;
        }

        var selected = new PSObject();
        foreach (var spec in _specs)
        {
            foreach (var (name, value) in spec.Read(input))
            {
                if (selected.Properties[name] is null)
                {
                    selected.Properties.Add(new PSNoteProperty(name, value));
                }
            }
        }

        WriteUnique(selected, enumerate: false);
    }

    private void WriteUnique(PSObject value, bool enumerate)
    {
        if (Unique && !_seen.Add(string.Join("\u001f", value.Properties.Select(p => $"{p.Name}={p.Value}")) + value))
        {
            return;
        }

        WriteObject(value, enumerate);
    }
}
