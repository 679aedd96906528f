using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Sort-Object: -Property (names, script blocks, hashtables), -Descending, -Unique. Stable.</summary>
[Cmdlet("Sort", "Object")]
public sealed class SortObjectCommand : PSCmdlet
{
    private readonly List<PSObject> _items = [];

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Position = 0)]
    public object[]? Property { get; set; }

    [Parameter]
    public SwitchParameter Descending { get; set; }

    [Parameter]
    public SwitchParameter Unique { get; set; }

    [Parameter]
    public SwitchParameter CaseSensitive { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            _items.Add(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        var specs = (Property ?? []).Select(PropertySpec.From).ToArray();
        var keyed = _items.Select(item => (Item: item, Keys: Keys(item, specs))).ToList();
        var ordered = keyed.Select((entry, index) => (entry.Item, entry.Keys, Index: index)).ToList();
        ordered.Sort((a, b) =>
        {
            int order = Compare(a.Keys, b.Keys, specs);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });

        object?[]? previous = null;
        foreach (var (item, keys, _) in ordered)
        {
            if (Unique && previous is not null && Compare(previous, keys, specs) == 0)
            {
                continue;
            }

            previous = keys;
            WriteObject(item);
        }
    }

    private static object?[] Keys(PSObject item, PropertySpec[] specs) =>
        specs.Length == 0 ? [item.BaseObject] : specs.Select(s => s.Evaluate(item)).ToArray();

    private int Compare(object?[] left, object?[] right, PropertySpec[] specs)
    {
        for (int i = 0; i < left.Length; i++)
        {
            bool descending = (i < specs.Length ? specs[i].Descending : null) ?? Descending.IsPresent;
            int order = CompareValues(left[i], right[i]);
            if (order != 0)
            {
                return descending ? -order : order;
            }
        }

        return 0;
    }

    private int CompareValues(object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null ? (right is null ? 0 : -1) : 1;
        }

        try
        {
            return LanguagePrimitives.Compare(left, right, ignoreCase: !CaseSensitive);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or RuntimeException)
        {
            return string.Compare(left.ToString(), right.ToString(), CaseSensitive ? StringComparison.CurrentCulture : StringComparison.CurrentCultureIgnoreCase);
        }
    }
}
