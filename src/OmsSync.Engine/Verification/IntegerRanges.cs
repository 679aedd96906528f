using System.Globalization;
using System.Numerics;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Chunk boundaries for a table keyed by one integer column whose values lie densely (the key's span is at most a few
/// times the row count): cut by value from MIN and MAX, which the index answers at once, instead of walking the whole
/// key. Chunks come out about equal; the first and last are open, so rows written beyond MIN and MAX meanwhile are
/// still compared.
/// </summary>
internal static class IntegerRanges
{
    private const int MaxSpanPerRow = 4;

    /// <summary>The upper boundaries of all chunks but the last, or null when the key is sparse (walk it instead).</summary>
    public static IReadOnlyList<IReadOnlyList<string?>>? Cut(BigInteger min, BigInteger max, long rowsEstimate, long rowsPerChunk)
    {
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
