using OmsSync.Engine.Changes;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// About how many bytes a batch of changes writes to the target, for -BytesPerSecond: each row image's values at their
/// length (text and bytes) or 8 bytes (numbers, dates and the like). An estimate, as the limit is for the full copy.
/// </summary>
internal static class ChangeBytes
{
    /// <returns>0 when <paramref name="throttle"/> limits no bytes: the values are then not walked at all.</returns>
    public static long Of(IEnumerable<SourceTransaction> batch, Throttle throttle)
    {
        if (!throttle.LimitsBytes) return 0;
        long bytes = 0;
        foreach (var transaction in batch)
            foreach (var change in transaction.Changes)
                if (change is RowChange row && (row.After ?? row.Before) is { } image)
                    foreach (var value in image)
                        bytes += Size(value);
        return bytes;
    }

    private static long Size(object? value) => value switch
    {
        null => 1,
        string s => s.Length,
        byte[] b => b.Length,
        MySqlText t => t.Bytes.Length,
        MySqlJson j => j.Text.Length,
        MySqlGeometry g => g.Bytes.Length,
        _ => 8,
    };
}
