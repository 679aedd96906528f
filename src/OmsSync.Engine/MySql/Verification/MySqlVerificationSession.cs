using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.Connections;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;
using OmsSync.Engine.MySql.Copy;

namespace OmsSync.Engine.MySql.Verification;

/// <summary>
/// The comparing queries of a verification on a MySQL-family server: checksums of key ranges and hash buckets, per-row
/// hashes to narrow a range down, rows by key or by hash, and the task's checkpoint for the lag gate.
/// </summary>
internal sealed class MySqlVerificationSession(MySqlVerificationSide side, MySqlConnection connection) : IVerificationSession
{
    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private MySqlCompareSql Sql(TableComparePlan plan, Side which) => side.Sql(plan, which);

    public Task<(long Rows, long AverageRowLength)> StatisticsAsync(TableSchema table, IReadOnlyList<string>? partitions, CancellationToken cancellationToken) =>
        MySqlChunkSource.StatisticsAsync(connection, table, partitions, cancellationToken);

    /// <summary>By value for a dense integer key (the index answers MIN and MAX at once), else by walking the key.</summary>
    public async IAsyncEnumerable<IReadOnlyList<string?>> BoundariesAsync(TableComparePlan plan, long rowsEstimate, long rowsPerChunk,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sql = Sql(plan, Side.Source);
        if (await IntegerRangesAsync(plan, sql, rowsEstimate, rowsPerChunk, cancellationToken).ConfigureAwait(false) is { } ranges)
        {
            foreach (var boundary in ranges) yield return boundary;
            yield break;
        }
        await foreach (var boundary in ChunkPlanner.BoundariesAsync(connection, sql.Name, sql.Key!, rowsPerChunk, cancellationToken).ConfigureAwait(false))
            yield return boundary;
    }

    // A table keyed by one integer column whose values lie densely (the key's span at most a few times the row count) is
    // cut by value; the first and last chunks are open, so rows written beyond MIN and MAX meanwhile are still compared.
    private async Task<IReadOnlyList<IReadOnlyList<string?>>?> IntegerRangesAsync(TableComparePlan plan, MySqlCompareSql sql, long rowsEstimate, long rowsPerChunk,
        CancellationToken cancellationToken)
    {
        var key = sql.Key!;
        if (key.Columns.Count != 1 || key.Columns[0].DataType is not ("tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint") || rowsEstimate <= 0)
            return null;
        var column = Schema.MySqlSyntax.QuoteIdentifier(key.Columns[0].Name);
        await using var command = new MySqlCommand($"SELECT CAST(MIN({column}) AS CHAR), CAST(MAX({column}) AS CHAR) FROM {sql.Name}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0)) return [];
        return IntegerRanges.Cut(BigInteger.Parse(reader.GetString(0), CultureInfo.InvariantCulture), BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
            rowsEstimate, rowsPerChunk);
    }

    public async Task<Checksum> ChecksumAsync(TableComparePlan plan, Side which, Chunk chunk, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        await using var command = new MySqlCommand { Connection = connection };
        command.CommandText = $"SELECT COUNT(*), CAST(COALESCE(SUM({sql.Hash}), 0) AS CHAR) FROM {sql.Name} WHERE {sql.Key!.Range(chunk, command)} AND {sql.Filter}";
        await using var reader = await SingleStatement.For(command, plan.Filters(which)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new Checksum(reader.GetInt64(0), reader.GetString(1));
    }

    public async Task<Dictionary<string, ulong>> RowHashesAsync(TableComparePlan plan, Side which, Chunk chunk, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        await using var command = new MySqlCommand { Connection = connection };
        command.CommandText = $"SELECT {sql.Key!.BoundarySelect}, {sql.Hash} FROM {sql.Name} WHERE {sql.Key.Range(chunk, command)} AND {sql.Filter}";
        var rows = new Dictionary<string, ulong>(StringComparer.Ordinal);
        await using var reader = await SingleStatement.For(command, plan.Filters(which)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var width = sql.Key.Columns.Count;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows[KeyTuple.Read(reader, width)] = Convert.ToUInt64(reader.GetValue(width), CultureInfo.InvariantCulture);
        return rows;
    }

    public async Task<Dictionary<int, Checksum>> BucketsAsync(TableComparePlan plan, Side which, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        await using var command = new MySqlCommand(
            $"SELECT h >> {IVerificationSession.BucketShift}, COUNT(*), CAST(SUM(h) AS CHAR) FROM (SELECT {sql.Hash} AS h FROM {sql.Name} WHERE {sql.Filter}) x GROUP BY 1", connection);
        var buckets = new Dictionary<int, Checksum>();
        await using var reader = await SingleStatement.For(command, plan.Filters(which)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            buckets[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = new Checksum(reader.GetInt64(1), reader.GetString(2));
        return buckets;
    }

    public Task<Dictionary<ulong, long>> CopiesInBucketsAsync(TableComparePlan plan, Side which, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken) =>
        CountsAsync(plan, which, $"h >> {IVerificationSession.BucketShift} IN ({string.Join(", ", buckets)})", cancellationToken);

    public Task<Dictionary<ulong, long>> CopiesAsync(TableComparePlan plan, Side which, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken) =>
        CountsAsync(plan, which, $"h IN ({string.Join(", ", hashes)})", cancellationToken);

    private async Task<Dictionary<ulong, long>> CountsAsync(TableComparePlan plan, Side which, string condition, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        await using var command = new MySqlCommand(
            $"SELECT h, COUNT(*) FROM (SELECT {sql.Hash} AS h FROM {sql.Name} WHERE {sql.Filter}) x WHERE {condition} GROUP BY h", connection);
        var copies = new Dictionary<ulong, long>();
        await using var reader = await SingleStatement.For(command, plan.Filters(which)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            copies[Convert.ToUInt64(reader.GetValue(0), CultureInfo.InvariantCulture)] = reader.GetInt64(1);
        return copies;
    }

    public async Task<Dictionary<string, RowImage>> RowsByKeysAsync(TableComparePlan plan, Side which, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, RowImage>(StringComparer.Ordinal);
        foreach (var batch in keys.Chunk(IVerificationSession.KeysPerQuery))
        {
            await using var command = new MySqlCommand { Connection = connection };
            command.CommandText = $"SELECT {sql.Key!.BoundarySelect}, {sql.Columns} FROM {sql.Name} WHERE ({KeysEqual(sql, batch, command)}) AND {sql.Filter}";
            await foreach (var (key, image) in ImagesAsync(SingleStatement.For(command, plan.Filters(which)), plan, sql.Key.Columns.Count, cancellationToken).ConfigureAwait(false))
                if (wanted.Contains(key))
                    rows[key] = image;
        }
        return rows;
    }

    public async Task<Dictionary<ulong, RowImage>> RowsByHashesAsync(TableComparePlan plan, Side which, IReadOnlyCollection<ulong> hashes, CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var rows = new Dictionary<ulong, RowImage>();
        foreach (var batch in hashes.Chunk(IVerificationSession.KeysPerQuery))
        {
            await using var command = new MySqlCommand(
                $"SELECT CAST({sql.Hash} AS CHAR), {sql.Columns} FROM {sql.Name} WHERE {sql.Filter} AND {sql.Hash} IN ({string.Join(", ", batch)})", connection);
            await foreach (var (hash, image) in ImagesAsync(SingleStatement.For(command, plan.Filters(which)), plan, 1, cancellationToken).ConfigureAwait(false))
                rows.TryAdd(ulong.Parse(KeyTuple.Deserialize(hash)[0]!, CultureInfo.InvariantCulture), image);
        }
        return rows;
    }

    public async Task<List<string>> KeysMatchingAsync(TableComparePlan plan, Side which, IReadOnlyCollection<IReadOnlyList<string>> keyLiterals,
        CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var names = plan.KeyColumns.Select(c => Schema.MySqlSyntax.QuoteIdentifier(c.SchemaOf(which).Name)).ToList();
        var keys = new List<string>();
        foreach (var batch in keyLiterals.Chunk(IVerificationSession.KeysPerQuery))
        {
            var conditions = batch.Select(literals => "(" + string.Join(" AND ", names.Select((n, i) => $"{n} = {literals[i]}")) + ")");
            await using var command = new MySqlCommand($"SELECT {sql.Key!.BoundarySelect} FROM {sql.Name} WHERE ({string.Join(" OR ", conditions)}) AND {sql.Filter}", connection);
            await using var reader = await SingleStatement.For(command, plan.Filters(which)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                keys.Add(KeyTuple.Read(reader, names.Count));
        }
        return keys;
    }

    public async Task<Dictionary<string, byte[]?[]>> RepairRowsAsync(TableComparePlan plan, Side which, RepairColumns columns, IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, byte[]?[]>(StringComparer.Ordinal);
        foreach (var batch in keys.Chunk(IVerificationSession.KeysPerQuery))
        {
            await using var command = new MySqlCommand { Connection = connection };
            command.CommandText = $"SELECT {sql.Key!.BoundarySelect}, {columns.SelectList} FROM {sql.Name} WHERE ({KeysEqual(sql, batch, command)}) AND {sql.Filter}";
            await foreach (var (key, row) in RepairValuesAsync(SingleStatement.For(command, plan.Filters(which)), columns, sql.Key.Columns.Count, cancellationToken).ConfigureAwait(false))
                if (wanted.Contains(key))
                    rows[key] = row;
        }
        return rows;
    }

    public async Task<Dictionary<ulong, byte[]?[]>> RepairRowsAsync(TableComparePlan plan, Side which, RepairColumns columns, IReadOnlyCollection<ulong> hashes,
        CancellationToken cancellationToken)
    {
        var sql = Sql(plan, which);
        var rows = new Dictionary<ulong, byte[]?[]>();
        await using var command = new MySqlCommand(
            $"SELECT CAST({sql.Hash} AS CHAR), {columns.SelectList} FROM {sql.Name} WHERE {sql.Filter} AND {sql.Hash} IN ({string.Join(", ", hashes)})", connection);
        await foreach (var (hash, row) in RepairValuesAsync(SingleStatement.For(command, plan.Filters(which)), columns, 1, cancellationToken).ConfigureAwait(false))
            rows.TryAdd(ulong.Parse(KeyTuple.Deserialize(hash)[0]!, CultureInfo.InvariantCulture), row);
        return rows;
    }

    public Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken) => MySqlEndpoint.ReadClockAsync(connection, cancellationToken);

    public async Task<DateTimeOffset?> AppliedUntilAsync(string task, Direction direction, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT source_commit FROM `oms`.`checkpoints` WHERE task = @t AND direction = @d", connection);
        command.Parameters.AddWithValue("@t", task);
        command.Parameters.AddWithValue("@d", direction.ToString());
        try
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value switch { null => null, DBNull => DateTimeOffset.MinValue, _ => Utc(value) };
        }
        catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownDatabase)
        {
            return null;
        }
    }

    // Connections allow zero dates, so DATETIME values may come as MySqlDateTime.
    private static DateTimeOffset? Utc(object? value) => value switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        MySqlDateTime { IsValidDateTime: true } m => new DateTimeOffset(DateTime.SpecifyKind(m.GetDateTime(), DateTimeKind.Utc)),
        _ => null,
    };

    private static string KeysEqual(MySqlCompareSql sql, IEnumerable<string> keys, MySqlCommand command) =>
        string.Join(" OR ", keys.Select((k, n) => sql.Key!.Equal(KeyTuple.Deserialize(k), command, $"k{n}_")));

    private static async IAsyncEnumerable<(string Key, RowImage Image)> ImagesAsync(MySqlCommand command, TableComparePlan plan, int keyWidth,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var count = plan.Columns.Count;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = KeyTuple.Read(reader, keyWidth);
            var values = new byte[]?[count];
            var display = new string?[count];
            for (var i = 0; i < count; i++)
            {
                var at = keyWidth + 2 * i;
                values[i] = reader.IsDBNull(at) ? null : (byte[])reader.GetValue(at);
                display[i] = reader.IsDBNull(at + 1) ? null : reader.GetString(at + 1);
            }
            // For a keyless table the "key" column is the row hash.
            yield return (key, new RowImage { Values = values, Display = display });
        }
    }

    private static async IAsyncEnumerable<(string Key, byte[]?[] Row)> RepairValuesAsync(MySqlCommand command, RepairColumns columns, int keyWidth,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var count = columns.Copy.Transfers.Count;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new byte[]?[count];
            for (var i = 0; i < count; i++)
            {
                if (reader.IsDBNull(keyWidth + i)) continue;
                var value = (byte[])reader.GetValue(keyWidth + i);
                row[i] = columns.Converters?[i] is { } convert ? Encoding.UTF8.GetBytes(convert(Encoding.UTF8.GetString(value))) : value;
            }
            yield return (KeyTuple.Read(reader, keyWidth), row);
        }
    }
}
