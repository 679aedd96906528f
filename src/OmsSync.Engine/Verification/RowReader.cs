using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.Verification;

/// <summary>One row as verification reads it: its key, each column's comparable bytes, and each column as display text.</summary>
internal sealed class RowImage
{
    /// <summary>The key in chunk-boundary form, serialized; empty for a table without a key.</summary>
    public required string KeyValues { get; init; }
    public required byte[]?[] Values { get; init; }
    public required string?[] Display { get; init; }
}

/// <summary>Reads whole rows from one side by key (or, without a key, by row hash), for confirming and reporting differences.</summary>
internal static class RowReader
{
    private const int KeysPerQuery = 200;

    public static string KeyOf(DbDataReader reader, int width)
    {
        var values = new string?[width];
        for (var i = 0; i < width; i++)
            values[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
        return ChunkKey.Serialize(values);
    }

    /// <summary>
    /// The rows with exactly these keys (the key's bytes, not the side's collation: a case-insensitive target
    /// finding 'A' for 'a' does not count), the source's row filter applied. Absent rows are absent from the result.
    /// </summary>
    public static async Task<Dictionary<string, RowImage>> ByKeysAsync(MySqlConnection connection, TableComparePlan plan, Side side,
        IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var key = plan.KeyOf(side);
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, RowImage>(StringComparer.Ordinal);
        foreach (var batch in keys.Chunk(KeysPerQuery))
        {
            await using var command = new MySqlCommand { Connection = connection };
            var conditions = batch.Select((k, n) => key.Equal(ChunkKey.Deserialize(k), command, $"k{n}_"));
            command.CommandText = $"SELECT {key.BoundarySelect}, {Columns(plan, side)} FROM {plan.NameOf(side)} " +
                                  $"WHERE ({string.Join(" OR ", conditions)}) AND {plan.Filter(side)}";
            await foreach (var row in ReadAsync(Connections.SingleStatement.For(command, plan.Filters(side)), plan, key.Columns.Count, cancellationToken).ConfigureAwait(false))
                if (wanted.Contains(row.Image.KeyValues))
                    rows[row.Image.KeyValues] = row.Image;
        }
        return rows;
    }

    /// <summary>A table without a key: one row for each of these row hashes, where the side holds one.</summary>
    public static async Task<Dictionary<ulong, RowImage>> ByHashesAsync(MySqlConnection connection, TableComparePlan plan, Side side,
        IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<ulong, RowImage>();
        foreach (var batch in hashes.Chunk(KeysPerQuery))
        {
            await using var command = new MySqlCommand(
                $"SELECT CAST({plan.HashOf(side)} AS CHAR), {Columns(plan, side)} FROM {plan.NameOf(side)} " +
                $"WHERE {plan.Filter(side)} AND {plan.HashOf(side)} IN ({string.Join(", ", batch)})", connection);
            await foreach (var row in ReadAsync(Connections.SingleStatement.For(command, plan.Filters(side)), plan, 1, cancellationToken).ConfigureAwait(false))
                rows.TryAdd(ulong.Parse(row.Key, CultureInfo.InvariantCulture), row.Image);
        }
        return rows;
    }

    /// <summary>True when two images of a row agree in every compared column.</summary>
    public static bool Same(TableComparePlan plan, RowImage source, RowImage target)
    {
        for (var i = 0; i < plan.Columns.Count; i++)
            if (!plan.Columns[i].Same(source.Values[i], target.Values[i]))
                return false;
        return true;
    }

    /// <summary>The row as JSON, column to text (binary values as 0x-hex).</summary>
    public static string Json(TableComparePlan plan, RowImage row) =>
        JsonSerializer.Serialize(plan.Columns.Select((c, i) => (c.Name, row.Display[i])).ToDictionary(p => p.Name, p => p.Item2));

    /// <summary>The key as JSON, column to text; null for a table without a key.</summary>
    public static string? KeyJson(TableComparePlan plan, RowImage row) => plan.HasKey
        ? JsonSerializer.Serialize(plan.KeyIndexes.ToDictionary(i => plan.Columns[i].Name, i => row.Display[i]))
        : null;

    // Each column twice: its comparable value as bytes, and its display text.
    private static string Columns(TableComparePlan plan, Side side) => string.Join(", ",
        plan.Columns.Select(c => $"CAST({c.ValueOf(side)} AS BINARY), {RowText.Expression(c.SchemaOf(side))}"));

    private static async IAsyncEnumerable<(string Key, RowImage Image)> ReadAsync(MySqlCommand command, TableComparePlan plan, int keyWidth,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var count = plan.Columns.Count;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = KeyOf(reader, keyWidth);
            var values = new byte[]?[count];
            var display = new string?[count];
            for (var i = 0; i < count; i++)
            {
                var at = keyWidth + 2 * i;
                values[i] = reader.IsDBNull(at) ? null : (byte[])reader.GetValue(at);
                display[i] = reader.IsDBNull(at + 1) ? null : reader.GetString(at + 1);
            }
            // For a keyless table the "key" column is the row hash; its image has no key.
            yield return (plan.HasKey ? key : (reader.IsDBNull(0) ? "" : reader.GetString(0)),
                new RowImage { KeyValues = plan.HasKey ? key : "", Values = values, Display = display });
        }
    }
}
