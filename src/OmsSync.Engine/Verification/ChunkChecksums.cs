using System.Globalization;
using MySqlConnector;
using OmsSync.Engine.Connections;
using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.Verification;

/// <summary>A chunk's checksum on one side: its row count and the exact sum of its rows' 64-bit hashes.</summary>
internal readonly record struct Checksum(long Rows, string Sum);

/// <summary>
/// The queries that compare without moving rows: a chunk's checksum, the per-row hashes of a chunk that
/// differs (to narrow it down to rows), and for tables without a key, checksums per hash bucket and copies
/// per row hash.
/// </summary>
internal static class ChunkChecksums
{
    /// <summary>Hash buckets a table without a key is cut into (the hash's top bits).</summary>
    public const int BucketBits = 6;

    public static async Task<Checksum> ChunkAsync(MySqlConnection connection, TableComparePlan plan, Side side, Chunk chunk, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand { Connection = connection };
        command.CommandText = $"SELECT COUNT(*), CAST(COALESCE(SUM({plan.HashOf(side)}), 0) AS CHAR) FROM {plan.NameOf(side)} " +
                              $"WHERE {plan.KeyOf(side).Range(chunk, command)} AND {plan.Filter(side)}";
        await using var reader = await SingleStatement.For(command, plan.Filters(side)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new Checksum(reader.GetInt64(0), reader.GetString(1));
    }

    /// <summary>Each row's key (in chunk-boundary form, serialized) and hash: enough to tell which rows of a chunk differ.</summary>
    public static async Task<Dictionary<string, ulong>> RowHashesAsync(MySqlConnection connection, TableComparePlan plan, Side side, Chunk chunk,
        CancellationToken cancellationToken)
    {
        var key = plan.KeyOf(side);
        await using var command = new MySqlCommand { Connection = connection };
        command.CommandText = $"SELECT {key.BoundarySelect}, {plan.HashOf(side)} FROM {plan.NameOf(side)} " +
                              $"WHERE {key.Range(chunk, command)} AND {plan.Filter(side)}";
        var rows = new Dictionary<string, ulong>(StringComparer.Ordinal);
        await using var reader = await SingleStatement.For(command, plan.Filters(side)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var width = key.Columns.Count;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows[RowReader.KeyOf(reader, width)] = Convert.ToUInt64(reader.GetValue(width), CultureInfo.InvariantCulture);
        return rows;
    }

    /// <summary>A table without a key: checksums per hash bucket, in one scan.</summary>
    public static async Task<Dictionary<int, Checksum>> BucketsAsync(MySqlConnection connection, TableComparePlan plan, Side side,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            $"SELECT h >> {64 - BucketBits}, COUNT(*), CAST(SUM(h) AS CHAR) FROM (SELECT {plan.HashOf(side)} AS h FROM {plan.NameOf(side)} " +
            $"WHERE {plan.Filter(side)}) x GROUP BY 1", connection);
        var buckets = new Dictionary<int, Checksum>();
        await using var reader = await SingleStatement.For(command, plan.Filters(side)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            buckets[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = new Checksum(reader.GetInt64(1), reader.GetString(2));
        return buckets;
    }

    /// <summary>A table without a key: how many copies of each row hash the given buckets hold.</summary>
    public static async Task<Dictionary<ulong, long>> CopiesAsync(MySqlConnection connection, TableComparePlan plan, Side side,
        IReadOnlyCollection<int> buckets, CancellationToken cancellationToken) =>
        await CountsAsync(connection, plan, side, $"h >> {64 - BucketBits} IN ({string.Join(", ", buckets)})", cancellationToken).ConfigureAwait(false);

    /// <summary>A table without a key: how many copies of these row hashes each side holds.</summary>
    public static async Task<Dictionary<ulong, long>> CopiesAsync(MySqlConnection connection, TableComparePlan plan, Side side,
        IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken) =>
        await CountsAsync(connection, plan, side, $"h IN ({string.Join(", ", hashes)})", cancellationToken).ConfigureAwait(false);

    private static async Task<Dictionary<ulong, long>> CountsAsync(MySqlConnection connection, TableComparePlan plan, Side side, string condition,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            $"SELECT h, COUNT(*) FROM (SELECT {plan.HashOf(side)} AS h FROM {plan.NameOf(side)} WHERE {plan.Filter(side)}) x WHERE {condition} GROUP BY h",
            connection);
        var copies = new Dictionary<ulong, long>();
        await using var reader = await SingleStatement.For(command, plan.Filters(side)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            copies[Convert.ToUInt64(reader.GetValue(0), CultureInfo.InvariantCulture)] = reader.GetInt64(1);
        return copies;
    }
}
