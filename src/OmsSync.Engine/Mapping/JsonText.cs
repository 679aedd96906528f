using System.Globalization;
using System.Text;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// JSON text written the way PostgreSQL's jsonb writes it: ", " between items, ": " after keys, strings with their
/// characters as they are and only quotes, backslashes and control characters escaped. Both servers then hold the same
/// text for the same document, which verification compares without reading rows.
/// </summary>
internal static class JsonText
{
    public static StringBuilder AppendString(StringBuilder output, string value)
    {
        output.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case < ' ': output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: output.Append(c); break;
            }
        }
        return output.Append('"');
    }

    /// <summary>True for text that is a JSON number (PostgreSQL's NaN and Infinity are not).</summary>
    public static bool IsNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-') i++;
        if (i >= text.Length || !char.IsAsciiDigit(text[i])) return false;
        if (text[i] == '0') i++;
        else while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            if (++i >= text.Length || !char.IsAsciiDigit(text[i])) return false;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            if (++i < text.Length && text[i] is '+' or '-') i++;
            if (i >= text.Length || !char.IsAsciiDigit(text[i])) return false;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        return i == text.Length;
    }
}
