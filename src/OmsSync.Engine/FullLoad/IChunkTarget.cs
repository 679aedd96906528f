using OmsSync.Engine.Conflicts;

namespace OmsSync.Engine.FullLoad;

/// <summary>
/// The server full migration writes to. Each chunk goes in with a row in the target's own `oms` chunk table, in
/// the same transaction, so after a crash a chunk is either wholly in (and skipped on resume) or not at all.
/// </summary>
internal interface IChunkTarget
{
    /// <summary>Creates the `oms` control tables when missing and returns the chunks the task has loaded already.</summary>
    Task<IReadOnlyList<(string Table, int Chunk, long Rows)>> LoadedChunksAsync(CancellationToken cancellationToken);

    /// <summary>Forgets which chunks of a source table are loaded, so that its next copy starts from the beginning.</summary>
    Task ForgetChunksAsync(string sourceTable, CancellationToken cancellationToken);

    /// <summary>Throws when the plan's target table holds rows (the task's -NonEmptyTarget Stop).</summary>
    Task RefuseNonEmptyAsync(TableCopyPlan plan, CancellationToken cancellationToken);

    /// <summary>An empty buffer of the form this target's writers load.</summary>
    ChunkBuffer NewBuffer();

    /// <summary>A writer on a connection of its own; each of the task's parallel writers opens one.</summary>
    Task<IChunkWriter> OpenWriterAsync(CancellationToken cancellationToken);

    /// <summary>Work after every chunk is in (e.g. moving identity sequences past the copied values).</summary>
    Task FinishAsync(IReadOnlyList<TableCopyPlan> plans, CancellationToken cancellationToken);

    /// <summary>The error to report for a failure while writing (server errors named after the data source).</summary>
    Exception Translate(Exception error);
}

internal interface IChunkWriter : IAsyncDisposable
{
    /// <summary>Writes one chunk and marks it loaded; returns the rows written and any rows kept on the target instead.</summary>
    Task<(long Rows, List<ConflictRecord> Conflicts)> WriteAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer data, CancellationToken cancellationToken);
}
