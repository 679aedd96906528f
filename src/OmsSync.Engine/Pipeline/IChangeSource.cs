using OmsSync.Engine.Changes;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The change stream of one task direction on one kind of source: where reading starts, the transactions it holds,
/// and how the source is told what the target has committed. The pipeline never asks which kind of source it reads.
/// </summary>
internal interface IChangeSource
{
    /// <summary>Whether transactions committed before the task's -StartTimestamp can be read and skipped (a binlog keeps them; a new replication slot does not).</summary>
    bool StartsAtTimestamp { get; }

    /// <summary>
    /// Whether the stream carries the rows a foreign key's actions (CASCADE, SET NULL) changed: PostgreSQL's and MySQL 9.6+'s
    /// do; MariaDB's and older MySQL's log only the row that set them off. Known once a stream is open.
    /// </summary>
    bool LogsCascades { get; }

    /// <summary>Parses a position this kind of source wrote into a checkpoint.</summary>
    SourcePosition ParsePosition(string text);

    /// <summary>
    /// Prepares reading for a task direction that has no checkpoint yet (a PostgreSQL slot and publication, the schema
    /// history of binlog tables) and returns the position reading starts at. Called before the full copy begins.
    /// </summary>
    Task<SourcePosition> RecordStartAsync(IReadOnlyList<TaskTable> tables, bool copyFollows, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the source send the changes of these tables (the direction's whole set) from now on: a PostgreSQL
    /// publication lists its tables; a binlog holds every table's.
    /// </summary>
    Task PublishAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken);

    /// <summary>The source's present position: changes up to it may be in a copy that ends now.</summary>
    Task<SourcePosition> CurrentPositionAsync(CancellationToken cancellationToken);

    /// <summary>Opens a stream of whole transactions in commit order from <paramref name="from"/>.</summary>
    /// <param name="ddl">DDL synchronization, when the pairing has it: which tables' rows to read and their shape at each position.</param>
    Task<IChangeStream> OpenAsync(SourcePosition from, IReadOnlyDictionary<(string, string), TaskTable> tables, IDdlSync? ddl, CancellationToken cancellationToken);

    /// <summary>
    /// Null when updates and deletes of the table arrive with whole before-images (which NewerWins and stale-row
    /// detection compare against); otherwise what the DBA can do about it.
    /// </summary>
    string? MissingBeforeImages(TaskTable table);

    /// <summary>True when a DDL statement of this source names one of the task's tables.</summary>
    bool Concerns(DdlChange ddl, IReadOnlyDictionary<(string, string), TaskTable> tables);

    /// <summary>A session that evaluates row filters in the source's own SQL; null when no table has one.</summary>
    Task<IRowFilter?> OpenRowFilterAsync(IEnumerable<TaskTable> tables, CancellationToken cancellationToken);

    /// <summary>The source server's clock minus this machine's (<see cref="ClockSkew"/>).</summary>
    Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken);

    /// <summary>Keeps an idle stream moving (writes on the source that reach the stream), until cancelled.</summary>
    Task RunHeartbeatAsync(CancellationToken cancellationToken);

    /// <summary>A failure worth retrying from the checkpoint (a lost connection).</summary>
    bool IsTransient(Exception error);

    /// <summary>The error to report for a failure of the stream (a purged log, a dropped slot), naming what to do.</summary>
    Exception Translate(Exception error);
}

/// <summary>One reading of a source's change stream, from a checkpoint until it fails or is cancelled.</summary>
internal interface IChangeStream : IAsyncDisposable
{
    IAsyncEnumerable<SourceTransaction> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Tells the source that the target has committed everything up to <paramref name="committed"/> (a PostgreSQL slot may let that WAL go).</summary>
    void Acknowledge(SourcePosition committed);
}

/// <summary>Evaluates the task's row filters on row images, as the source's SQL means them.</summary>
internal interface IRowFilter : IAsyncDisposable
{
    /// <summary>
    /// Each change as it reaches a filtered target, in the same order: null when neither image passes, an insert for an
    /// update that comes into the filter, a delete for one that leaves it. Changes of unfiltered tables pass as they are.
    /// </summary>
    Task<RowChange?[]> ThroughAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, CancellationToken cancellationToken);
}
