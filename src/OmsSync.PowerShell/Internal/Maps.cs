using System.Collections;
using System.Management.Automation;

namespace OmsSync.PowerShell.Internal;

/// <summary>Hands a hashtable parameter to the engine as plain text keys and values (lists stay lists), without PowerShell's wrappers.</summary>
internal static class Maps
{
    public static IReadOnlyDictionary<string, object?>? From(Hashtable? table) =>
        table?.Cast<DictionaryEntry>().ToDictionary(e => LanguagePrimitives.ConvertTo<string>(e.Key) ?? "", e => Plain(e.Value));

    private static object? Plain(object? value)
    {
        var raw = value is PSObject wrapped ? wrapped.BaseObject : value;
        return raw is IEnumerable list and not string ? list.Cast<object?>().Select(Plain).ToList() : raw;
    }
}
