using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>The server full migration reads from: how a table's columns are read, how it is cut into key ranges, and readers.</summary>
internal interface IChunkSource
{
    /// <summary>The copy plan of one table: its moving columns and how each is read for the target.</summary>
    TableCopyPlan Plan(TableMapping mapping, TableSchema schema);

    /// <summary>The server's estimates of the table's row count and average row length (of the partitions named, when given).</summary>
    Task<(long Rows, long AverageRowLength)> StatisticsAsync(TableSchema table, IReadOnlyList<string>? partitions, CancellationToken cancellationToken);

    /// <summary>Cuts the table into chunks of about <paramref name="rowsPerChunk"/> rows along its key.</summary>
    Task<IReadOnlyList<Chunk>> CutAsync(TableCopyPlan plan, long rowsPerChunk, CancellationToken cancellationToken);

    /// <summary>A reader on a connection of its own; each of the task's parallel readers opens one.</summary>
    Task<IChunkReader> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>The error to report for a failure while reading (server errors named after the source data source).</summary>
    Exception Translate(Exception error);
}

/// <summary>Reads chunks into the buffer the target gave (<see cref="IChunkTarget.NewBuffer"/>).</summary>
internal interface IChunkReader : IAsyncDisposable
{
    Task ReadAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer output, CancellationToken cancellationToken);
}
