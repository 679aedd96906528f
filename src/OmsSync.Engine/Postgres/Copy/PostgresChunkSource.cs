using OmsSync.Engine.Errors;
using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Postgres.Copy;

/// <summary>
/// PostgreSQL as the source of full migration into a MySQL-family target. Tables are cut along their key with
/// keyset reads (row comparisons (a, b) &gt; (x, y), which use the key's index); chunks are read as each type's text
/// output (bytea as bytes) and turned into MySQL's text by <see cref="MySqlValueText"/>.
/// </summary>
internal sealed class PostgresChunkSource : IChunkSource
{
    private readonly PostgresEndpoint _endpoint;
    private readonly Dictionary<string, TableSchema> _mysqlShapes;
    private readonly Dictionary<TableCopyPlan, Func<string, string>?[]> _converters = new();

    /// <param name="mysqlShapes">The task's tables as they are on the MySQL side (<see cref="MySqlShapes"/>), to convert values for.</param>
    public PostgresChunkSource(PostgresEndpoint endpoint, TaskObjects mysqlShapes)
    {
        _endpoint = endpoint;
        _mysqlShapes = mysqlShapes.Tables.ToDictionary(t => t.Mapping.Source, t => t.Schema, StringComparer.Ordinal);
    }

    public TableCopyPlan Plan(TableMapping mapping, TableSchema schema)
    {
        var mysql = _mysqlShapes[mapping.Source];
        var plan = new TableCopyPlan(mapping, schema, MovingColumns.Of(schema, mapping), column => Transfer(column, mysql.Column(column.Name)));
        lock (_converters)
            _converters[plan] = plan.Columns.Select(c => Converter(mapping.Source, c, mysql.Column(c.Name))).ToArray();
        return plan;
    }

    /// <summary>How a column's text becomes the MySQL column's (<see cref="MySqlValueText"/>); null for bytea and geometry, read as bytes.</summary>
    internal static Func<string, string>? Converter(string table, ColumnSchema pg, ColumnSchema mysql) =>
        pg.DataType is "bytea" or "geometry" ? null : MySqlValueText.For(table, pg, mysql);

    /// <summary>
    /// Text of each value; BIT is loaded through a variable as its integer value, and MariaDB's UUID as text (LOAD DATA
    /// ... CHARACTER SET binary would read its bytes as the 16-byte binary form). A geometry is read as MySQL's own form
    /// (SRID + WKB) and assigned through a variable as it is, as between MySQL servers.
    /// </summary>
    internal static ColumnTransfer Transfer(ColumnSchema pg, ColumnSchema mysql)
    {
        var q = PostgresSyntax.QuoteIdentifier(pg.Name);
        if (pg.DataType == "geometry") return new ColumnTransfer(pg, PostGis.MySqlForm(pg, q), true, "{0}");
        return mysql.DataType switch
        {
            "bit" => new ColumnTransfer(pg, q + "::text", true, "CAST({0} AS UNSIGNED)"),
            "uuid" => new ColumnTransfer(pg, q + "::text", true, "CONVERT({0} USING utf8mb4)"),
            _ => new ColumnTransfer(pg, pg.DataType == "bytea" ? q : PostgresToMySql.Carried(pg) ? PostgresSyntax.OutputText(q) : q + "::text", false, null),
        };
    }

    /// <remarks>A PostgreSQL source takes no partitions (-Partition is refused for it): its partitions are tables of their own.</remarks>
    public async Task<(long Rows, long AverageRowLength)> StatisticsAsync(TableSchema table, IReadOnlyList<string>? partitions, CancellationToken cancellationToken)
    {
        await using var connection = await _endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await StatisticsAsync(connection, table, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The server's estimates of a table's row count and average row length, in one look.</summary>
    internal static async Task<(long Rows, long AverageRowLength)> StatisticsAsync(NpgsqlConnection connection, TableSchema table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT GREATEST(c.reltuples, 0)::bigint, CASE WHEN c.reltuples > 0 THEN (pg_relation_size(c.oid) / c.reltuples)::bigint ELSE 0 END " +
            "FROM pg_class c WHERE c.oid = $1::regclass", connection);
        command.Parameters.AddWithValue(PostgresSyntax.QuoteQualified(table.Database, table.Name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    public async Task<IReadOnlyList<Chunk>> CutAsync(TableCopyPlan plan, long rowsPerChunk, CancellationToken cancellationToken)
    {
        var key = KeyColumns(plan);
        if (key is null)
            return [new Chunk(0, null, null)]; // no usable key: one chunk, loaded in one target transaction
        await using var connection = await _endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        var boundaries = new List<IReadOnlyList<string?>>();
        await foreach (var boundary in BoundariesAsync(connection, SourceName(plan), key, key.Select(k => k + "::text").ToList(), null, rowsPerChunk, cancellationToken)
                           .ConfigureAwait(false))
            boundaries.Add(boundary);
        return ChunkPlanner.Between(boundaries);
    }

    /// <summary>
    /// The upper boundary of each chunk but the last, in key order, as they are found: each the row <paramref name="rowsPerChunk"/>
    /// after the one before, found with a row comparison on the key's index. <paramref name="text"/> reads each key column
    /// as text; <paramref name="input"/>, when given, turns such text back into what the server reads as the column's value.
    /// </summary>
    internal static async IAsyncEnumerable<IReadOnlyList<string?>> BoundariesAsync(NpgsqlConnection connection, string table, IReadOnlyList<string> key,
        IReadOnlyList<string> text, Func<int, string?, string>? input, long rowsPerChunk, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<string?>? previous = null;
        while (true)
        {
            var values = new string?[key.Count];
            // The reader is closed before the boundary is handed out: the caller may query this connection meanwhile.
            await using (var command = new NpgsqlCommand { Connection = connection })
            {
                var where = previous is null ? "" : " WHERE " + Compare(key, ">", previous, command, input);
                command.CommandText = $"SELECT {string.Join(", ", text)} FROM {table}{where} ORDER BY {string.Join(", ", key)} LIMIT 1 OFFSET {rowsPerChunk - 1}";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) yield break;
                for (var i = 0; i < values.Length; i++) values[i] = reader.GetString(i);
            }
            yield return values;
            previous = values;
        }
    }

    public Exception Translate(Exception error) => error is NpgsqlException n ? _endpoint.Translate(n) : error;

    public async Task<IChunkReader> OpenReaderAsync(CancellationToken cancellationToken) =>
        new Reader(this, await _endpoint.OpenAsync(cancellationToken).ConfigureAwait(false));

    private static string SourceName(TableCopyPlan plan) => PostgresSyntax.QuoteQualified(plan.Mapping.SourceDatabase, plan.Mapping.SourceTable);

    private static List<string>? KeyColumns(TableCopyPlan plan) => plan.Source.RowKey?.Columns.Select(c => PostgresSyntax.QuoteIdentifier(c.Name)).ToList();

    /// <summary>(k1, k2) op ($1, $2), the values as <see cref="Parameters"/> adds them.</summary>
    internal static string Compare(IReadOnlyList<string> key, string op, IReadOnlyList<string?> values, NpgsqlCommand command,
        Func<int, string?, string>? input = null) =>
        $"({string.Join(", ", key)}) {op} {Parameters(values, command, input)}";

    /// <summary>
    /// ($1, $2): the values as text of unknown type, so the server reads them as the key columns' types and uses the key's
    /// index; <paramref name="input"/>, when given, writes each value's text as the server reads it.
    /// </summary>
    internal static string Parameters(IReadOnlyList<string?> values, NpgsqlCommand command, Func<int, string?, string>? input = null)
    {
        var names = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = input is null ? values[i]! : input(i, values[i]), NpgsqlDbType = NpgsqlDbType.Unknown });
            names.Add("$" + command.Parameters.Count);
        }
        return "(" + string.Join(", ", names) + ")";
    }

    private sealed class Reader(PostgresChunkSource source, NpgsqlConnection connection) : IChunkReader
    {
        public async Task ReadAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer output, CancellationToken cancellationToken)
        {
            Func<string, string>?[] converters;
            lock (source._converters) converters = source._converters[plan];
            await using var command = new NpgsqlCommand { Connection = connection };
            var conditions = new List<string>();
            var key = KeyColumns(plan);
            if (key is not null && chunk.Lower is not null) conditions.Add(Compare(key, ">", chunk.Lower, command));
            if (key is not null && chunk.Upper is not null) conditions.Add(Compare(key, "<=", chunk.Upper, command));
            var filtered = !string.IsNullOrWhiteSpace(plan.Mapping.RowFilter);
            if (filtered) conditions.Add($"({plan.Mapping.RowFilter})");
            command.CommandText = $"SELECT {string.Join(", ", plan.Transfers.Select(t => t.SelectExpression))} FROM {SourceName(plan)}" +
                                  (conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : "");
            if (!filtered)
            {
                await ReadRowsAsync(command, plan, converters, output, cancellationToken).ConfigureAwait(false);
                return;
            }
            // A row filter is text a user wrote: one statement, in a read-only transaction.
            await PostgresReadOnly.RunAsync(connection, async transaction =>
            {
                command.Transaction = transaction;
                await ReadRowsAsync(Connections.SingleStatement.For(command), plan, converters, output, cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The rows read in order of their columns (SequentialAccess: each value is read once, never kept). A value MySQL
        /// cannot hold is refused at the row's end, when the row's key columns have all been read, to name its row.
        /// </summary>
        private static async Task ReadRowsAsync(NpgsqlCommand command, TableCopyPlan plan, Func<string, string>?[] converters, ChunkBuffer output,
            CancellationToken cancellationToken)
        {
            var count = plan.Transfers.Count;
            var keyColumns = plan.Source.RowKey?.Columns.Select(c => c.Name).ToList() ?? [];
            var keyPlaces = plan.Transfers.Select(t => keyColumns.IndexOf(t.Column.Name)).ToArray();
            var key = new string?[keyColumns.Count];
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                OmsException? refused = null;
                for (var i = 0; i < count; i++)
                {
                    if (await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false))
                    {
                        output.WriteNull();
                        if (keyPlaces[i] >= 0) key[keyPlaces[i]] = null;
                    }
                    else if (converters[i] is { } convert)
                    {
                        var text = reader.GetString(i);
                        if (keyPlaces[i] >= 0) key[keyPlaces[i]] = text;
                        try
                        {
                            output.WriteValue(Encoding.UTF8.GetBytes(convert(text)));
                        }
                        catch (OmsException e) when (NotRepresentable.LacksKey(e))
                        {
                            refused ??= e;
                            output.WriteNull(); // keeps the fields in step until the row's end
                        }
                    }
                    else
                    {
                        var bytes = await reader.GetFieldValueAsync<byte[]>(i, cancellationToken).ConfigureAwait(false);
                        if (keyPlaces[i] >= 0) key[keyPlaces[i]] = @"\x" + Convert.ToHexString(bytes).ToLowerInvariant();
                        output.WriteValue(bytes);
                    }
                }
                if (refused is not null)
                    throw NotRepresentable.WithKey(refused, key.Length == 0 ? null : NotRepresentable.Key(keyColumns.Select((c, k) => (c, key[k]))));
                output.EndRow();
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
