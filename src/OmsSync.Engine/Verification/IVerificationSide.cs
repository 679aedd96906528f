using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Verification;

/// <summary>
/// One kind of server as verification meets it: the forms it gives its columns' values, the hashes it computes, and
/// sessions that run the comparing queries in its own SQL. Verification never asks which kind it holds.
/// </summary>
internal interface IVerificationSide
{
    DataSource Source { get; }

    /// <summary>
    /// Whether the server computes this digest in SQL. Some are known only from a session (the server's version): plans
    /// are made after both sides opened one, so that a verification and the repair of what it found hash alike.
    /// </summary>
    bool Computes(RowHash hash);

    /// <summary>True when values can be compared as the two servers store them (two MySQL-family servers).</summary>
    bool StoresLike(IVerificationSide other);

    /// <summary>The form of a column compared as stored (<see cref="StoresLike"/>): bytes, or floating point to its digits.</summary>
    ValueForm StoredForm(ColumnSchema column);

    /// <summary>The canonical form of this server's column, for comparing with another kind of server.</summary>
    ValueForm FormOf(TableSchema table, ColumnSchema column);

    /// <summary>A session on a connection of its own.</summary>
    Task<IVerificationSession> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The error to report for a failure of this server (server errors named after the data source); others unchanged.</summary>
    Exception Translate(Exception error);
}

/// <summary>A chunk's checksum on one side: its row count and the exact sum of its rows' 64-bit hashes.</summary>
internal readonly record struct Checksum(long Rows, string Sum);

/// <summary>
/// The queries of a verification on one server's connection, for either side of a plan. Keys travel as their canonical
/// text (<see cref="KeyTuple.Serialize"/>), which both sides read and match alike.
/// </summary>
internal interface IVerificationSession : IAsyncDisposable
{
    /// <summary>Hash buckets a table without a key is cut into (the hash's top bits).</summary>
    public const int BucketBits = 6;

    /// <summary>The right shift that leaves a 64-bit row hash's bucket.</summary>
    public const int BucketShift = 64 - BucketBits;

    /// <summary>Keys or hashes looked up in one query, to keep statements short.</summary>
    public const int KeysPerQuery = 200;

    /// <summary>The server's estimates of the table's row count and average row length (of the partitions named, when given).</summary>
    Task<(long Rows, long AverageRowLength)> StatisticsAsync(TableSchema table, IReadOnlyList<string>? partitions, CancellationToken cancellationToken);

    /// <summary>The upper boundaries of a keyed table's chunks but the last, in key order, as they are found (source side).</summary>
    IAsyncEnumerable<IReadOnlyList<string?>> BoundariesAsync(TableComparePlan plan, long rowsEstimate, long rowsPerChunk, CancellationToken cancellationToken);

    /// <summary>A chunk's row count and hash sum.</summary>
    Task<Checksum> ChecksumAsync(TableComparePlan plan, Side side, Chunk chunk, CancellationToken cancellationToken);

    /// <summary>Each row's key and hash: enough to tell which rows of a chunk differ.</summary>
    Task<Dictionary<string, ulong>> RowHashesAsync(TableComparePlan plan, Side side, Chunk chunk, CancellationToken cancellationToken);

    /// <summary>A table without a key: checksums per hash bucket, in one scan.</summary>
    Task<Dictionary<int, Checksum>> BucketsAsync(TableComparePlan plan, Side side, CancellationToken cancellationToken);

    /// <summary>A table without a key: how many copies of each row hash the given buckets hold.</summary>
    Task<Dictionary<ulong, long>> CopiesInBucketsAsync(TableComparePlan plan, Side side, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken);

    /// <summary>A table without a key: how many copies of these row hashes the side holds.</summary>
    Task<Dictionary<ulong, long>> CopiesAsync(TableComparePlan plan, Side side, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken);

    /// <summary>
    /// The rows with exactly these keys (their canonical text, not the side's collation: a case-insensitive target
    /// finding 'A' for 'a' does not count), the source's row filter applied. Absent rows are absent from the result.
    /// </summary>
    Task<Dictionary<string, RowImage>> RowsByKeysAsync(TableComparePlan plan, Side side, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>A table without a key: one row for each of these row hashes, where the side holds one.</summary>
    Task<Dictionary<ulong, RowImage>> RowsByHashesAsync(TableComparePlan plan, Side side, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken);

    /// <summary>The keys of the rows matching any of these key values (literals in this server's SQL, one per key column).</summary>
    Task<List<string>> KeysMatchingAsync(TableComparePlan plan, Side side, IReadOnlyCollection<IReadOnlyList<string>> keyLiterals, CancellationToken cancellationToken);

    /// <summary>One side's rows for a repair of the other, read as the full copy reads them for it: by key, or one per row hash.</summary>
    Task<Dictionary<string, byte[]?[]>> RepairRowsAsync(TableComparePlan plan, Side side, RepairColumns columns, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <inheritdoc cref="RepairRowsAsync(TableComparePlan, Side, RepairColumns, IReadOnlyList{string}, CancellationToken)"/>
    Task<Dictionary<ulong, byte[]?[]>> RepairRowsAsync(TableComparePlan plan, Side side, RepairColumns columns, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken);

    /// <summary>The server's clock now, to stamp a read of source rows with.</summary>
    Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The source commit time of the last transaction the task direction's checkpoint on this (target) server holds;
    /// MinValue while it holds none yet, null when there is no checkpoint at all.
    /// </summary>
    Task<DateTimeOffset?> AppliedUntilAsync(string task, Direction direction, CancellationToken cancellationToken);
}

/// <summary>One row as verification reads it: each column's comparable bytes, and each column as display text.</summary>
internal sealed class RowImage
{
    public required byte[]?[] Values { get; init; }
    public required string?[] Display { get; init; }
}
