using MySqlConnector;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>A MySQL-family server as the source of full migration: key ranges cut by <see cref="ChunkPlanner"/>, read by <see cref="ChunkReader"/>.</summary>
internal sealed class MySqlChunkSource : IChunkSource
{
    private readonly MySqlEndpoint _endpoint;
    private readonly Func<ColumnSchema, ColumnTransfer> _transfer;

    /// <param name="transfer">How each column is read for the target; for a MySQL-family target when not given.</param>
    public MySqlChunkSource(MySqlEndpoint endpoint, Func<ColumnSchema, ColumnTransfer>? transfer = null)
    {
        _endpoint = endpoint;
        _transfer = transfer ?? MySqlColumnTransfer.For;
    }

    public TableCopyPlan Plan(TableMapping mapping, TableSchema schema) => new(mapping, schema, MovingColumns.Of(schema, mapping), _transfer);

    public async Task<(long Rows, long AverageRowLength)> StatisticsAsync(TableSchema table, IReadOnlyList<string>? partitions, CancellationToken cancellationToken)
    {
        await using var source = await _endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await StatisticsAsync(source, table, partitions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The server's estimates of a table's row count and average row length, in one look; with <paramref name="partitions"/>,
    /// of those partitions (or subpartitions) alone.
    /// </summary>
    internal static async Task<(long Rows, long AverageRowLength)> StatisticsAsync(MySqlConnection source, TableSchema table, IReadOnlyList<string>? partitions,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand { Connection = source };
        if (partitions is { Count: > 0 })
        {
            // A subpartitioned table has one row per subpartition, under its partition's name.
            var names = string.Join(", ", partitions.Select((p, i) => { command.Parameters.AddWithValue($"@p{i}", p); return $"@p{i}"; }));
            command.CommandText =
                "SELECT COALESCE(SUM(TABLE_ROWS), 0), COALESCE(SUM(DATA_LENGTH) DIV NULLIF(SUM(TABLE_ROWS), 0), 0) FROM information_schema.PARTITIONS " +
                $"WHERE TABLE_SCHEMA = @d AND TABLE_NAME = @t AND (PARTITION_NAME IN ({names}) OR SUBPARTITION_NAME IN ({names}))";
        }
        else
            command.CommandText = "SELECT COALESCE(TABLE_ROWS, 0), COALESCE(AVG_ROW_LENGTH, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @d AND TABLE_NAME = @t";
        command.Parameters.AddWithValue("@d", table.Database);
        command.Parameters.AddWithValue("@t", table.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)))
            : (0, 0);
    }

    public async Task<IReadOnlyList<Chunk>> CutAsync(TableCopyPlan plan, long rowsPerChunk, CancellationToken cancellationToken)
    {
        await using var source = await _endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ChunkPlanner.PlanAsync(source, plan.SourceName, plan.Key, rowsPerChunk, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IChunkReader> OpenReaderAsync(CancellationToken cancellationToken) =>
        new Reader(await _endpoint.OpenAsync(cancellationToken).ConfigureAwait(false));

    public Exception Translate(Exception error) => error is MySqlException m ? _endpoint.Translate(m) : error;

    private sealed class Reader(MySqlConnection connection) : IChunkReader
    {
        public Task ReadAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer output, CancellationToken cancellationToken) =>
            ChunkReader.ReadAsync(connection, plan, chunk, output, cancellationToken);

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
