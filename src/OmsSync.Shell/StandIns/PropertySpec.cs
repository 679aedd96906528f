using System.Collections;
using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>
/// One entry of a -Property list: a property name (wildcards allowed), a script block run
/// with $_ as the object, or a hashtable with Name/Label and Expression (and, for sorting,
/// Descending/Ascending).
/// </summary>
internal sealed class PropertySpec
{
    private readonly string? _name;
    private readonly ScriptBlock? _expression;

    private PropertySpec(string? label, string? name, ScriptBlock? expression, bool? descending)
    {
        Label = label;
        _name = name;
        _expression = expression;
        Descending = descending;
    }

    /// <summary>The name of the resulting property, or null for a wildcard name (the matched names are used).</summary>
    public string? Label { get; }

    /// <summary>Sort direction asked by the entry itself, if any.</summary>
    public bool? Descending { get; }

    public static PropertySpec From(object spec)
    {
        object value = spec is PSObject wrapped ? wrapped.BaseObject : spec;
        switch (value)
        {
            case string name:
                return new PropertySpec(WildcardPattern.ContainsWildcardCharacters(name) ? null : name, name, null, null);
            case ScriptBlock block:
                return new PropertySpec(block.ToString().Trim(), null, block, null);
            case IDictionary table:
                object? expression = Find(table, "Expression", "E");
                string? label = Find(table, "Name", "N", "Label", "L")?.ToString();
                bool? descending = Find(table, "Descending") is { } d ? LanguagePrimitives.IsTrue(d)
                    : Find(table, "Ascending") is { } a ? !LanguagePrimitives.IsTrue(a) : null;
                object? inner = expression is PSObject p ? p.BaseObject : expression;
                return inner switch
                {
                    ScriptBlock block => new PropertySpec(label ?? block.ToString().Trim(), null, block, descending),
                    string name => new PropertySpec(label ?? name, name, null, descending),
                    _ => throw new PSArgumentException("A property hashtable needs an Expression that is a name or a script block."),
                };
            default:
                throw new PSArgumentException($"'{value}' is not a property name, script block or hashtable.");
        }
    }

    /// <summary>The (name, value) pairs this entry takes from <paramref name="input"/>.</summary>
    public IEnumerable<(string Name, object? Value)> Read(PSObject input)
    {
        if (_expression is not null)
        {
            yield return (Label!, Evaluate(input));
            yield break;
        }

        if (Label is not null)
        {
            yield return (Label, input.Properties[_name!]?.Value);
            yield break;
        }

        var pattern = new WildcardPattern(_name!, WildcardOptions.IgnoreCase);
        foreach (var property in input.Properties.Where(p => pattern.IsMatch(p.Name)))
        {
            yield return (property.Name, SafeValue(property));
        }
    }

    /// <summary>The single value of this entry for <paramref name="input"/> (sort keys).</summary>
    public object? Evaluate(PSObject input)
    {
        if (_expression is null)
        {
            return input.Properties[_name!]?.Value;
        }

        var results = _expression.InvokeWithContext(null, [new PSVariable("_", input)]);
        return results.Count switch
        {
            0 => null,
            1 => results[0]?.BaseObject,
            _ => results.Select(r => r?.BaseObject).ToArray(),
        };
    }

    private static object? SafeValue(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null;
        }
    }

    private static object? Find(IDictionary table, params string[] keys)
    {
        foreach (DictionaryEntry entry in table)
        {
            if (keys.Any(k => string.Equals(k, entry.Key?.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                return entry.Value;
            }
        }

        return null;
    }
}
