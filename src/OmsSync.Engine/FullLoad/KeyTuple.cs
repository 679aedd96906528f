using System.Data.Common;
using System.Text.Json;

namespace OmsSync.Engine.FullLoad;

/// <summary>
/// A row key's values as text (hex for binary columns), the form every kind of server reads a chunk's boundaries and a
/// verified row's key in: stored as a JSON array, so both sides of a task read, store and match keys alike.
/// </summary>
internal static class KeyTuple
{
    public static string Serialize(IReadOnlyList<string?> values) => JsonSerializer.Serialize(values);

    public static IReadOnlyList<string?> Deserialize(string text) => JsonSerializer.Deserialize<List<string?>>(text)!;

    /// <summary>The key text in a row's first <paramref name="width"/> columns, serialized.</summary>
    public static string Read(DbDataReader reader, int width)
    {
        var values = new string?[width];
        for (var i = 0; i < width; i++)
            values[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
        return Serialize(values);
    }

    public static string Describe(IReadOnlyList<string?> values) => "(" + string.Join(", ", values) + ")";
}
