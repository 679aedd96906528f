using System.Text;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// PostgreSQL's array text, read and written: <c>{1,2,NULL}</c>, <c>{{1,2},{3,4}}</c>, <c>{"a b","c\"d",NULL,"NULL"}</c>.
/// An array is a list whose items are null (an unquoted NULL), a string (an element's text, quotes and backslash escapes
/// resolved) or, for a further dimension, a list. Lower bounds other than 1 (<c>[0:1]={1,2}</c>) are not read: they
/// have no place in the lists. Malformed text throws <see cref="FormatException"/>.
/// </summary>
internal static class PostgresArrayText
{
    /// <summary>True when the text begins with explicit bounds, which PostgreSQL writes only when a lower bound is not 1.</summary>
    public static bool HasBounds(string text) => text.StartsWith('[');

    /// <param name="delimiter">The element type's delimiter: a comma, or for box a semicolon.</param>
    public static List<object?> Parse(string text, char delimiter = ',')
    {
        if (HasBounds(text)) throw new FormatException("its lower bounds are not 1 (" + text[..(text.IndexOf('=') is > 0 and var e ? e : text.Length)] + ").");
        var at = 0;
        SkipSpace(text, ref at);
        var array = ParseList(text, ref at, delimiter);
        SkipSpace(text, ref at);
        if (at != text.Length) throw new FormatException($"unexpected text after the array at position {at}.");
        return array;
    }

    private static List<object?> ParseList(string text, ref int at, char delimiter)
    {
        if (at >= text.Length || text[at] != '{') throw new FormatException($"an array must begin with '{{' (position {at}).");
        at++;
        var items = new List<object?>();
        SkipSpace(text, ref at);
        if (at < text.Length && text[at] == '}')
        {
            at++;
            return items;
        }
        while (true)
        {
            SkipSpace(text, ref at);
            if (at >= text.Length) throw new FormatException("the array is not closed.");
            items.Add(text[at] == '{' ? ParseList(text, ref at, delimiter) : ParseElement(text, ref at, delimiter));
            SkipSpace(text, ref at);
            if (at >= text.Length) throw new FormatException("the array is not closed.");
            if (text[at] == '}')
            {
                at++;
                break;
            }
            if (text[at] != delimiter) throw new FormatException($"expected '{delimiter}' or '}}' at position {at}.");
            at++;
        }
        // Every item of a level is a sub-array or none is, and sub-arrays of a level are as long as each other.
        var lists = items.OfType<List<object?>>().ToList();
        if (lists.Count > 0 && (lists.Count != items.Count || lists.Any(l => l.Count != lists[0].Count)))
            throw new FormatException("its sub-arrays do not have matching dimensions.");
        return items;
    }

    private static string? ParseElement(string text, ref int at, char delimiter)
    {
        var value = new StringBuilder();
        if (text[at] == '"')
        {
            for (at++; ; at++)
            {
                if (at >= text.Length) throw new FormatException("a quoted element is not closed.");
                var c = text[at];
                if (c == '"') break;
                if (c == '\\')
                {
                    if (++at >= text.Length) throw new FormatException("the array ends in a backslash.");
                    c = text[at];
                }
                value.Append(c);
            }
            at++;
            return value.ToString();
        }
        // Unquoted: up to the delimiter or the closing brace, surrounding white space not part of it, backslashes escaping.
        var escapedUpTo = 0;
        for (; at < text.Length && text[at] != delimiter && text[at] != '}'; at++)
        {
            var c = text[at];
            if (c is '{' or '"') throw new FormatException($"unexpected '{c}' at position {at}.");
            if (c == '\\')
            {
                if (++at >= text.Length) throw new FormatException("the array ends in a backslash.");
                value.Append(text[at]);
                escapedUpTo = value.Length;
                continue;
            }
            value.Append(c);
        }
        var length = value.Length;
        while (length > escapedUpTo && char.IsWhiteSpace(value[length - 1])) length--;
        var element = value.ToString(0, length);
        if (element.Length == 0) throw new FormatException($"an element is empty at position {at}.");
        return escapedUpTo == 0 && element.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : element;
    }

    private static void SkipSpace(string text, ref int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
    }

    /// <summary>The array text PostgreSQL reads back as these items: every element quoted, NULL unquoted.</summary>
    public static string Write(IReadOnlyList<object?> array, char delimiter = ',')
    {
        var output = new StringBuilder();
        Write(output, array, delimiter);
        return output.ToString();
    }

    private static void Write(StringBuilder output, IReadOnlyList<object?> array, char delimiter)
    {
        output.Append('{');
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0) output.Append(delimiter);
            switch (array[i])
            {
                case null:
                    output.Append("NULL");
                    break;
                case IReadOnlyList<object?> list:
                    Write(output, list, delimiter);
                    break;
                case string text:
                    output.Append('"');
                    foreach (var c in text)
                    {
                        if (c is '"' or '\\') output.Append('\\');
                        output.Append(c);
                    }
                    output.Append('"');
                    break;
                default:
                    throw new ArgumentException($"An array item is a {array[i]!.GetType().Name}, neither text, a list nor null.", nameof(array));
            }
        }
        output.Append('}');
    }
}
