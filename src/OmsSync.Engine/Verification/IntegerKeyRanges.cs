using System.Globalization;
using System.Numerics;
using MySqlConnector;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Chunk boundaries for a table keyed by one integer column whose values lie densely (the key's span is at
/// most a few times the row count): cut by value from MIN and MAX, which the index answers at once, instead
/// of walking the whole key. Chunks come out about equal; the first and last are open, so rows written
/// beyond MIN and MAX meanwhile are still compared.
/// </summary>
internal static class IntegerKeyRanges
{
    private const int MaxSpanPerRow = 4;

    /// <summary>The upper boundaries of all chunks but the last, or null when the key is not a dense integer key (walk it instead).</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string?>>?> BoundariesAsync(MySqlConnection source, TableComparePlan plan, long rowsEstimate,
        long rowsPerChunk, CancellationToken cancellationToken)
    {
        var key = plan.SourceKey!;
        if (key.Columns.Count != 1 || key.Columns[0].DataType is not ("tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint") || rowsEstimate <= 0)
            return null;
        var column = MySqlSyntax.QuoteIdentifier(key.Columns[0].Name);
        await using var command = new MySqlCommand(
            $"SELECT CAST(MIN({column}) AS CHAR), CAST(MAX({column}) AS CHAR) FROM {plan.SourceName}", source);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0)) return [];
        var min = BigInteger.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
        var max = BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        var span = max - min + 1;
        if (span > (BigInteger)rowsEstimate * MaxSpanPerRow) return null; // sparse: value ranges would be uneven
        var chunks = (long)Math.Max(1, Math.Ceiling((double)BigInteger.Min(span, rowsEstimate) / rowsPerChunk));
        var step = (span + chunks - 1) / chunks;
        var boundaries = new List<IReadOnlyList<string?>>();
        for (var i = 1; i < chunks; i++)
            boundaries.Add([(min + step * i - 1).ToString(CultureInfo.InvariantCulture)]);
        return boundaries;
    }
}
