using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using OmsSync.Engine.Connections;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Postgres.Copy;
using OmsSync.Engine.Verification;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Mapping;

namespace OmsSync.Engine.Postgres.Verification;

/// <summary>
/// The comparing queries of a verification on PostgreSQL. Key values travel as their canonical text in parameters of
/// unknown type, which the server reads as the key columns' types, so ranges and lookups use the key's index. A query
/// that carries the task's row filter runs as one statement in a read-only transaction.
/// </summary>
internal sealed class PostgresVerificationSession(PostgresVerificationSide side, NpgsqlConnection connection) : IVerificationSession
{
    // PostgreSQL shifts a signed bigint, copying the sign bit in: the mask keeps the bucket's bits alone.
    private const int BucketMask = (1 << IVerificationSession.BucketBits) - 1;

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private PostgresCompareSql Sql(TableComparePlan plan, Side which) => side.Sql(plan, which);

    public Task<(long Rows, long AverageRowLength)> StatisticsAsync(TableSchema table, IReadOnlyList<string>? partitions, CancellationToken cancellationToken) =>
        PostgresChunkSource.StatisticsAsync(connection, table, cancellationToken);

    /// <summary>By value for a dense integer key, else by walking the key with row comparisons.</summary>
    public async IAsyncEnumerable<IReadOnlyList<string?>> BoundariesAsync(TableComparePlan plan, long rowsEstimate, long rowsPerChunk,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sql = Sql(plan, Side.Source);
        var key = plan.KeyColumns;
        if (key.Count == 1 && key[0].Source.DataType is "smallint" or "integer" or "bigint" && rowsEstimate > 0)
        {
            await using var range = new NpgsqlCommand($"SELECT min({sql.KeyColumns[0]})::text, max({sql.KeyColumns[0]})::text FROM {sql.Name}", connection);
            await using var reader = await range.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0)) yield break;
            var cut = IntegerRanges.Cut(BigInteger.Parse(reader.GetString(0), CultureInfo.InvariantCulture), BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                rowsEstimate, rowsPerChunk);
            if (cut is not null)
            {
                foreach (var boundary in cut) yield return boundary;
                yield break;
            }
        }
        await foreach (var boundary in PostgresChunkSource.BoundariesAsync(connection, sql.Name, sql.KeyColumns, sql.KeyText, sql.Input, rowsPerChunk, cancellationToken)
                           .ConfigureAwait(false))
            yield return boundary;
    }

    public Task<Checksum> ChecksumAsync(TableComparePlan plan, Side which, Chunk chunk, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var command = new NpgsqlCommand();
        command.CommandText = $"SELECT count(*), {PostgresCompareSql.Sum("h")} FROM (SELECT {sql.Hash} AS h FROM {sql.Name} WHERE {Range(sql, chunk, command)} AND {sql.Filter}) x";
        return SingleAsync(plan, which, command, reader => new Checksum(reader.GetInt64(0), reader.GetString(1)), cancellationToken);
    }

    public async Task<Dictionary<string, ulong>> RowHashesAsync(TableComparePlan plan, Side which, Chunk chunk, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var command = new NpgsqlCommand();
        command.CommandText = $"SELECT {string.Join(", ", sql.KeyText)}, {sql.Hash} FROM {sql.Name} WHERE {Range(sql, chunk, command)} AND {sql.Filter}";
        var rows = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var width = sql.KeyColumns.Count;
        await EachAsync(plan, which, command, reader => rows[KeyTuple.Read(reader, width)] = unchecked((ulong)reader.GetInt64(width)), cancellationToken).ConfigureAwait(false);
        return rows;
    }

    public async Task<Dictionary<int, Checksum>> BucketsAsync(TableComparePlan plan, Side which, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var command = new NpgsqlCommand(
            $"SELECT ((h >> {IVerificationSession.BucketShift}) & {BucketMask})::int, count(*), {PostgresCompareSql.Sum("h")} FROM (SELECT {sql.Hash} AS h FROM {sql.Name} WHERE {sql.Filter}) x GROUP BY 1");
        var buckets = new Dictionary<int, Checksum>();
        await EachAsync(plan, which, command, reader => buckets[reader.GetInt32(0)] = new Checksum(reader.GetInt64(1), reader.GetString(2)), cancellationToken).ConfigureAwait(false);
        return buckets;
    }

    public Task<Dictionary<ulong, long>> CopiesInBucketsAsync(TableComparePlan plan, Side which, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken) =>
        CountsAsync(plan, which, $"((h >> {IVerificationSession.BucketShift}) & {BucketMask}) IN ({string.Join(", ", buckets)})", cancellationToken);

    public Task<Dictionary<ulong, long>> CopiesAsync(TableComparePlan plan, Side which, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken) =>
        CountsAsync(plan, which, $"h IN ({string.Join(", ", hashes.Select(PostgresCompareSql.Signed))})", cancellationToken);

    private async Task<Dictionary<ulong, long>> CountsAsync(TableComparePlan plan, Side which, string condition, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var command = new NpgsqlCommand($"SELECT h, count(*) FROM (SELECT {sql.Hash} AS h FROM {sql.Name} WHERE {sql.Filter}) x WHERE {condition} GROUP BY h");
        var copies = new Dictionary<ulong, long>();
        await EachAsync(plan, which, command, reader => copies[unchecked((ulong)reader.GetInt64(0))] = reader.GetInt64(1), cancellationToken).ConfigureAwait(false);
        return copies;
    }

    public async Task<Dictionary<string, RowImage>> RowsByKeysAsync(TableComparePlan plan, Side which, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, RowImage>(StringComparer.Ordinal);
        var width = sql.KeyColumns.Count;
        foreach (var batch in keys.Chunk(IVerificationSession.KeysPerQuery))
        {
            var command = new NpgsqlCommand();
            command.CommandText = $"SELECT {string.Join(", ", sql.KeyText)}, {sql.Columns} FROM {sql.Name} WHERE {KeysIn(sql, batch, command)} AND {sql.Filter}";
            await EachAsync(plan, which, command, reader =>
            {
                var key = KeyTuple.Read(reader, width);
                if (wanted.Contains(key)) rows[key] = Image(plan, reader, width);
            }, cancellationToken).ConfigureAwait(false);
        }
        return rows;
    }

    public async Task<Dictionary<ulong, RowImage>> RowsByHashesAsync(TableComparePlan plan, Side which, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var rows = new Dictionary<ulong, RowImage>();
        foreach (var batch in hashes.Chunk(IVerificationSession.KeysPerQuery))
        {
            var command = new NpgsqlCommand(
                $"SELECT {sql.Hash}, {sql.Columns} FROM {sql.Name} WHERE {sql.Filter} AND {sql.Hash} IN ({string.Join(", ", batch.Select(PostgresCompareSql.Signed))})");
            await EachAsync(plan, which, command, reader => rows.TryAdd(unchecked((ulong)reader.GetInt64(0)), Image(plan, reader, 1)), cancellationToken).ConfigureAwait(false);
        }
        return rows;
    }

    public async Task<List<string>> KeysMatchingAsync(TableComparePlan plan, Side which, IReadOnlyCollection<IReadOnlyList<string>> keyLiterals,
        CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var keys = new List<string>();
        foreach (var batch in keyLiterals.Chunk(IVerificationSession.KeysPerQuery))
        {
            var conditions = batch.Select(literals => "(" + string.Join(" AND ", sql.KeyColumns.Select((n, i) => $"{n} = {literals[i]}")) + ")");
            var command = new NpgsqlCommand($"SELECT {string.Join(", ", sql.KeyText)} FROM {sql.Name} WHERE ({string.Join(" OR ", conditions)}) AND {sql.Filter}");
            await EachAsync(plan, which, command, reader => keys.Add(KeyTuple.Read(reader, sql.KeyColumns.Count)), cancellationToken).ConfigureAwait(false);
        }
        return keys;
    }

    public async Task<Dictionary<string, byte[]?[]>> RepairRowsAsync(TableComparePlan plan, Side which, RepairColumns columns, IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, byte[]?[]>(StringComparer.Ordinal);
        var width = sql.KeyColumns.Count;
        foreach (var batch in keys.Chunk(IVerificationSession.KeysPerQuery))
        {
            var command = new NpgsqlCommand();
            command.CommandText = $"SELECT {string.Join(", ", sql.KeyText)}, {columns.SelectList} FROM {sql.Name} WHERE {KeysIn(sql, batch, command)} AND {sql.Filter}";
            await EachAsync(plan, which, command, reader =>
            {
                var key = KeyTuple.Read(reader, width);
                if (!wanted.Contains(key)) return;
                try
                {
                    rows[key] = RepairValues(reader, columns, width);
                }
                catch (OmsException e) when (NotRepresentable.LacksKey(e))
                {
                    // The key columns lead the row, as their text.
                    throw NotRepresentable.WithKey(e, NotRepresentable.Key(plan.KeyColumns.Select((c, i) => (c.Name, reader.IsDBNull(i) ? null : reader.GetString(i)))));
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        return rows;
    }

    public async Task<Dictionary<ulong, byte[]?[]>> RepairRowsAsync(TableComparePlan plan, Side which, RepairColumns columns, IReadOnlyCollection<ulong> hashes,
        CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var rows = new Dictionary<ulong, byte[]?[]>();
        var command = new NpgsqlCommand(
            $"SELECT {sql.Hash}, {columns.SelectList} FROM {sql.Name} WHERE {sql.Filter} AND {sql.Hash} IN ({string.Join(", ", hashes.Select(PostgresCompareSql.Signed))})");
        await EachAsync(plan, which, command, reader => rows.TryAdd(unchecked((ulong)reader.GetInt64(0)), RepairValues(reader, columns, 1)), cancellationToken)
            .ConfigureAwait(false);
        return rows;
    }

    public Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken) => PostgresEndpoint.ReadClockAsync(connection, cancellationToken);

    public async Task<DateTimeOffset?> AppliedUntilAsync(string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT source_commit FROM oms.checkpoints WHERE task = $1 AND direction = $2", connection);
        command.Parameters.AddWithValue(task);
        command.Parameters.AddWithValue(direction.ToString());
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) switch
            {
                null => null,
                DBNull => DateTimeOffset.MinValue,
                DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                _ => null,
            };
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return null;
        }
    }

    // The chunk's range (Lower, Upper] as row comparisons on the key; TRUE when unbounded.
    private static string Range(PostgresCompareSql sql, Chunk chunk, NpgsqlCommand command)
    {
        var parts = new List<string> { "TRUE" };
        if (chunk.Lower is not null) parts.Add(PostgresChunkSource.Compare(sql.KeyColumns, ">", chunk.Lower, command, sql.Input));
        if (chunk.Upper is not null) parts.Add(PostgresChunkSource.Compare(sql.KeyColumns, "<=", chunk.Upper, command, sql.Input));
        return string.Join(" AND ", parts);
    }

    private static string KeysIn(PostgresCompareSql sql, IEnumerable<string> keys, NpgsqlCommand command) =>
        $"{sql.KeyRow} IN ({string.Join(", ", keys.Select(k => PostgresChunkSource.Parameters(KeyTuple.Deserialize(k), command, sql.Input)))})";

    private static RowImage Image(TableComparePlan plan, NpgsqlDataReader reader, int keyWidth)
    {
        var count = plan.Columns.Count;
        var values = new byte[]?[count];
        var display = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var at = keyWidth + 2 * i;
            values[i] = reader.IsDBNull(at) ? null : reader.GetFieldValue<byte[]>(at);
            display[i] = reader.IsDBNull(at + 1) ? null : reader.GetString(at + 1);
        }
        return new RowImage { Values = values, Display = display };
    }

    private static byte[]?[] RepairValues(NpgsqlDataReader reader, RepairColumns columns, int offset)
    {
        var row = new byte[]?[columns.Copy.Transfers.Count];
        for (var i = 0; i < row.Length; i++)
        {
            var at = offset + i;
            if (reader.IsDBNull(at)) continue;
            if (reader.GetDataTypeName(at) == "bytea")
                row[i] = reader.GetFieldValue<byte[]>(at);
            else
            {
                var text = reader.GetString(at);
                row[i] = Encoding.UTF8.GetBytes(columns.Converters?[i] is { } convert ? convert(text) : text);
            }
        }
        return row;
    }

    private async Task<T> SingleAsync<T>(TableComparePlan plan, Side which, NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        T result = default!;
        await EachAsync(plan, which, command, reader => result = read(reader), cancellationToken).ConfigureAwait(false);
        return result;
    }

    // Runs a query on this connection; one that carries the row filter (text a user wrote) as one statement, read-only.
    private async Task EachAsync(TableComparePlan plan, Side which, NpgsqlCommand command, Action<NpgsqlDataReader> each, CancellationToken cancellationToken)
    {
        await using var owned = command;
        command.Connection = connection;
        if (!plan.Filters(which))
        {
            await ReadAsync(command, each, cancellationToken).ConfigureAwait(false);
            return;
        }
        await PostgresReadOnly.RunAsync(connection, async transaction =>
        {
            command.Transaction = transaction;
            await ReadAsync(SingleStatement.For(command), each, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadAsync(NpgsqlCommand command, Action<NpgsqlDataReader> each, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            each(reader);
    }
}
