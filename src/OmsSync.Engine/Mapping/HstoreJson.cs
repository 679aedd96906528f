using System.Text;
using System.Text.Json;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// An hstore as the MySQL JSON object it is carried in, and back: each key a member, each value a JSON string, a NULL
/// value null. Keys stay in hstore's order (by length, then bytes), which is also the order jsonb and MySQL's JSON keep.
/// Malformed text, and coming back a JSON value that is not an object of strings and nulls, throw <see cref="FormatException"/>.
/// </summary>
internal static class HstoreJson
{
    /// <summary>The JSON object holding the hstore whose text (<c>"a"=&gt;"1", "b"=&gt;NULL</c>) <paramref name="text"/> is.</summary>
    public static string ToJson(string text)
    {
        var output = new StringBuilder(text.Length + 2).Append('{');
        var at = 0;
        var first = true;
        while (true)
        {
            Skip(text, ref at);
            if (at >= text.Length) break;
            if (!first)
            {
                if (text[at] != ',') throw new FormatException($"expected ',' at position {at}.");
                at++;
                Skip(text, ref at);
            }
            var key = Token(text, ref at) ?? throw new FormatException("a key is NULL.");
            Skip(text, ref at);
            if (string.CompareOrdinal(text, at, "=>", 0, 2) != 0) throw new FormatException($"expected '=>' at position {at}.");
            at += 2;
            Skip(text, ref at);
            var value = Token(text, ref at);
            if (!first) output.Append(", ");
            first = false;
            JsonText.AppendString(output, key).Append(": ");
            if (value is null) output.Append("null");
            else JsonText.AppendString(output, value);
        }
        return output.Append('}').ToString();
    }

    /// <summary>A quoted string (backslash escapes resolved), an unquoted word, or null for an unquoted NULL.</summary>
    private static string? Token(string text, ref int at)
    {
        if (at >= text.Length) throw new FormatException("the text ends where a key or value was expected.");
        var value = new StringBuilder();
        if (text[at] == '"')
        {
            for (at++; ; at++)
            {
                if (at >= text.Length) throw new FormatException("a quoted string is not closed.");
                var c = text[at];
                if (c == '"') break;
                if (c == '\\' && ++at >= text.Length) throw new FormatException("the text ends in a backslash.");
                value.Append(text[at]);
            }
            at++;
            return value.ToString();
        }
        while (at < text.Length && !char.IsWhiteSpace(text[at]) && text[at] != ',' && text[at] != '=') value.Append(text[at++]);
        if (value.Length == 0) throw new FormatException($"expected a key or value at position {at}.");
        var word = value.ToString();
        return word.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : word;
    }

    private static void Skip(string text, ref int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
    }

    /// <summary>The hstore text PostgreSQL reads back as the object the JSON text <paramref name="json"/> holds.</summary>
    public static string FromJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new FormatException("it is not JSON.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object.");
            var output = new StringBuilder();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (!keys.Add(member.Name)) throw new FormatException($"it names the key {member.Name} twice.");
                if (output.Length > 0) output.Append(", ");
                Quote(output, member.Name).Append("=>");
                switch (member.Value.ValueKind)
                {
                    case JsonValueKind.Null: output.Append("NULL"); break;
                    case JsonValueKind.String: Quote(output, member.Value.GetString()!); break;
                    default: throw new FormatException($"the value of {member.Name} is {member.Value.GetRawText()}, and hstore's values are strings or NULL.");
                }
            }
            return output.ToString();
        }
    }

    private static StringBuilder Quote(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\') output.Append('\\');
            output.Append(c);
        }
        return output.Append('"');
    }
}
