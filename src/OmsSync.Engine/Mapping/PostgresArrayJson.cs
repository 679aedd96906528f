using System.Text;
using System.Text.Json;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// A PostgreSQL array as the MySQL JSON array it is carried in, and back. Elements keep their kind: numbers are JSON
/// numbers (their digits as PostgreSQL writes them), booleans true and false, json and jsonb elements the documents
/// themselves, NULL elements null, every other element a JSON string of its text; a further dimension is a nested
/// array, and an empty array is []. What JSON cannot say faithfully throws <see cref="FormatException"/> with the reason:
/// lower bounds other than 1, NaN and infinity, a json element that is JSON's null (it would come back as a NULL
/// element); and, coming back, a JSON value that is not an array of the column's elements, or not rectangular.
/// </summary>
internal static class PostgresArrayJson
{
    public enum ElementKind { Number, Boolean, Json, Text }

    /// <summary>The element type of an array column as <see cref="Postgres.Schema.PostgresSchemaReader"/> describes it ("integer[]" holds "integer").</summary>
    public static string ElementType(ColumnSchema column) => column.ColumnType.EndsWith("[]", StringComparison.Ordinal) ? column.ColumnType[..^2] : column.ColumnType;

    public static ElementKind KindOf(string elementType)
    {
        var paren = elementType.IndexOf('(');
        return (paren < 0 ? elementType : elementType[..paren]) switch
        {
            "smallint" or "integer" or "bigint" or "numeric" or "real" or "double precision" => ElementKind.Number,
            "boolean" => ElementKind.Boolean,
            "json" or "jsonb" => ElementKind.Json,
            _ => ElementKind.Text,
        };
    }

    /// <summary>The delimiter between elements in the array's text: box, whose own text holds commas, takes a semicolon.</summary>
    public static char DelimiterOf(string elementType) => elementType == "box" ? ';' : ',';

    /// <summary>The JSON array holding the array whose text <paramref name="text"/> is.</summary>
    public static string ToJson(string text, string elementType)
    {
        var kind = KindOf(elementType);
        var output = new StringBuilder(text.Length + 8);
        Write(output, PostgresArrayText.Parse(text, DelimiterOf(elementType)), kind);
        return output.ToString();
    }

    private static void Write(StringBuilder output, List<object?> array, ElementKind kind)
    {
        output.Append('[');
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0) output.Append(", ");
            switch (array[i])
            {
                case null:
                    output.Append("null");
                    break;
                case List<object?> list:
                    Write(output, list, kind);
                    break;
                case string element:
                    Element(output, element, kind);
                    break;
            }
        }
        output.Append(']');
    }

    private static void Element(StringBuilder output, string element, ElementKind kind)
    {
        switch (kind)
        {
            case ElementKind.Number when JsonText.IsNumber(element):
                output.Append(element);
                break;
            case ElementKind.Number:
                throw new FormatException($"its element {element} is no JSON number.");
            case ElementKind.Boolean:
                output.Append(element switch
                {
                    "t" or "true" => "true",
                    "f" or "false" => "false",
                    _ => throw new FormatException($"its element {element} is not a boolean."),
                });
                break;
            case ElementKind.Json when element.Trim() == "null":
                throw new FormatException("an element is JSON's null, which MySQL's JSON would not tell from a NULL element.");
            case ElementKind.Json:
                output.Append(element);
                break;
            default:
                JsonText.AppendString(output, element);
                break;
        }
    }

    /// <summary>The array text PostgreSQL reads back as the array that the JSON text <paramref name="json"/> holds.</summary>
    public static string FromJson(string json, string elementType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1000 });
        }
        catch (JsonException)
        {
            throw new FormatException("it is not JSON.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException($"it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array.");
            var kind = KindOf(elementType);
            var array = Items(document.RootElement, kind, top: true);
            return PostgresArrayText.Write(array, DelimiterOf(elementType));
        }
    }

    private static List<object?> Items(JsonElement array, ElementKind kind, bool top)
    {
        var items = new List<object?>();
        foreach (var item in array.EnumerateArray())
            items.Add(item.ValueKind == JsonValueKind.Array ? Items(item, kind, top: false) : Scalar(item, kind));
        if (items.Count == 0 && !top) throw new FormatException("it holds an empty inner array, which a PostgreSQL array cannot.");
        var lists = items.OfType<List<object?>>().ToList();
        if (lists.Count > 0 && lists.Count != items.Count)
            throw new FormatException("it mixes arrays and other values at one level, which a PostgreSQL array cannot.");
        if (lists.Any(l => !SameShape(l, lists[0])))
            throw new FormatException("its inner arrays differ in length, and a PostgreSQL array is rectangular.");
        return items;
    }

    private static bool SameShape(List<object?> a, List<object?> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p is (List<object?> x, List<object?> y) ? SameShape(x, y) : p.First is not List<object?> && p.Second is not List<object?>);

    private static string? Scalar(JsonElement item, ElementKind kind) => (kind, item.ValueKind) switch
    {
        (_, JsonValueKind.Null) => null,
        (ElementKind.Number, JsonValueKind.Number) => item.GetRawText(),
        (ElementKind.Boolean, JsonValueKind.True) => "t",
        (ElementKind.Boolean, JsonValueKind.False) => "f",
        (ElementKind.Json, _) => item.GetRawText(),
        (ElementKind.Text, JsonValueKind.String) => item.GetString(),
        _ => throw new FormatException($"its element {item.GetRawText()} is not {kind switch
        {
            ElementKind.Number => "a number",
            ElementKind.Boolean => "true or false",
            _ => "a string",
        }}, as the column's elements are."),
    };
}
