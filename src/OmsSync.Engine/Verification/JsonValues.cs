using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace OmsSync.Engine.Verification;

/// <summary>
/// JSON documents compared by what they hold, as PostgreSQL's jsonb sees them: object keys in any order (a key given
/// twice counts with its last value), numbers by their value (1.50 is 1.5, 1e2 is 100), strings by their characters
/// however they were escaped, white space ignored.
/// </summary>
internal static class JsonValues
{
    /// <summary>True when both are JSON texts of the same document; false when either does not parse.</summary>
    public static bool Same(byte[] a, byte[] b)
    {
        var (x, y) = (Canonical(a), Canonical(b));
        return x is not null && x == y;
    }

    /// <summary>The document in one canonical text (keys sorted by their UTF-16 units, numbers normalized); null when it is not JSON.</summary>
    public static string? Canonical(byte[] text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 1000 });
            var output = new StringBuilder();
            Write(output, document.RootElement);
            return output.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Write(StringBuilder output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject()) members[property.Name] = property.Value; // the last one wins
                output.Append('{');
                var first = true;
                foreach (var (name, value) in members)
                {
                    if (!first) output.Append(',');
                    first = false;
                    output.Append(JsonSerializer.Serialize(name)).Append(':');
                    Write(output, value);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var n = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (n++ > 0) output.Append(',');
                    Write(output, item);
                }
                output.Append(']');
                break;
            case JsonValueKind.String:
                output.Append(JsonSerializer.Serialize(element.GetString()));
                break;
            case JsonValueKind.Number:
                output.Append(Number(element.GetRawText()));
                break;
            default:
                output.Append(element.GetRawText()); // true, false, null
                break;
        }
    }

    /// <summary>A JSON number as digits and a power of ten: "1.50", "15e-1" and "0.15E1" are all "15e-1".</summary>
    internal static string Number(string raw)
    {
        var negative = raw.StartsWith('-');
        var body = negative ? raw[1..] : raw;
        var e = body.IndexOfAny(['e', 'E']);
        var exponent = e < 0 ? BigInteger.Zero : BigInteger.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? body : body[..e];
        var point = mantissa.IndexOf('.');
        if (point >= 0)
        {
            exponent -= mantissa.Length - point - 1;
            mantissa = mantissa.Remove(point, 1);
        }
        mantissa = mantissa.TrimStart('0');
        if (mantissa.Length == 0) return "0";
        var trimmed = mantissa.TrimEnd('0');
        exponent += mantissa.Length - trimmed.Length;
        return (negative ? "-" : "") + trimmed + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
