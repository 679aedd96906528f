using System.Globalization;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// How the conflict log writes a column's value as text: binary and spatial values as 0x-hex, BIT as b'...',
/// everything else as the server prints it. A target reads its rows in the same form, and turns such text into
/// literals again, in its own SQL (<see cref="MySql.Apply.MySqlDisplayForm"/>).
/// </summary>
public static class DisplayForm
{
    /// <summary>A decoded image value as the conflict log shows it: binary values in hex, BIT as b'...', the rest as text.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        MySql.Values.MySqlGeometry g => "0x" + Convert.ToHexString(g.Bytes.Span),
        MySql.Values.MySqlBit b => "b'" + Convert.ToString((long)b.Value, 2) + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>An image's moving columns as the conflict log shows a row: a JSON object of column to value.</summary>
    internal static string RowJson(Pipeline.TableApplyPlan plan, IReadOnlyList<object?> image) =>
        System.Text.Json.JsonSerializer.Serialize(plan.Columns.ToDictionary(c => c.Name, c => Text(image[c.Index])));

    /// <summary>An image's key as the conflict log shows it: a JSON object of key column to value.</summary>
    internal static string KeyJson(Pipeline.TableApplyPlan plan, IReadOnlyList<object?> image) =>
        System.Text.Json.JsonSerializer.Serialize(plan.KeyColumns.ToDictionary(k => k.Name, k => Text(image[k.Index])));
}
