namespace OmsSync.Engine.Changes;

/// <summary>
/// A whole source transaction in commit order, or (when <see cref="IsHeartbeat"/>) a bare position advance on an
/// idle stream. <see cref="EndPosition"/> is where to resume to read what follows. Dispose it once applied: a large
/// transaction's changes hold memory budget and a spill file (<see cref="IChangeList"/>).
/// </summary>
public sealed class SourceTransaction : IDisposable
{
    public SourceTransaction(string? id, IReadOnlyList<SourceChange> changes, DateTimeOffset commitTime,
        SourcePosition startPosition, SourcePosition endPosition, bool isHeartbeat = false)
    {
        Id = id;
        Changes = changes;
        CommitTime = commitTime;
        StartPosition = startPosition;
        EndPosition = endPosition;
        CommitPosition = endPosition;
        IsHeartbeat = isHeartbeat;
        ContainsDdl = changes is IChangeList list ? list.ContainsDdl : changes.Any(c => c is DdlChange or ColumnsChange);
    }

    /// <summary>The source's name for it: a GTID ("domain-server-sequence" on MariaDB, "uuid:number" on MySQL) or a PostgreSQL xid; null when the source has none.</summary>
    public string? Id { get; }
    /// <summary>The changes in order; for a large transaction partly read back from disk as it is enumerated.</summary>
    public IReadOnlyList<SourceChange> Changes { get; }
    /// <summary>True when a DDL statement or a change of a table's columns is among the changes (known without reading the changes).</summary>
    public bool ContainsDdl { get; }
    /// <summary>True when rows of the table are among the changes (read without reading spilled rows back).</summary>
    public bool HasRowsOf(string database, string table) => Changes is IChangeList list
        ? list.HasRowsOf(database, table)
        : Changes.Any(c => c is RowChange row && row.Database == database && row.Table == table);
    /// <summary>How many of the changes were spilled to disk rather than held in memory.</summary>
    public int SpilledChanges => (Changes as IChangeList)?.SpilledCount ?? 0;
    /// <summary>Commit time on the source, as finely as the source tells it.</summary>
    public DateTimeOffset CommitTime { get; internal set; }
    /// <summary>The boundary before the transaction.</summary>
    public SourcePosition StartPosition { get; }
    /// <summary>The boundary after the transaction: the checkpoint to store once it is applied.</summary>
    public SourcePosition EndPosition { get; }
    /// <summary>
    /// Where the source committed it, compared with where a full copy ended to tell whether the copy may hold it
    /// (the end position for a binlog; where the commit record starts for PostgreSQL).
    /// </summary>
    public SourcePosition CommitPosition { get; init; }
    /// <summary>True for an idle-stream position advance: no changes, just a newer <see cref="EndPosition"/>.</summary>
    public bool IsHeartbeat { get; }

    /// <summary>
    /// A heartbeat whose <see cref="CommitTime"/> is the source's clock when it was written: everything the source had
    /// committed by then comes before it, so applying it brings the target up to that time.
    /// </summary>
    public bool SourceClocked { get; init; }

    /// <summary>The server id of the MySQL-family server where the transaction originated (binlog sources).</summary>
    public uint ServerId { get; init; }

    /// <summary>
    /// Two-phase XA (binlog sources): a <see cref="XaPhase.Prepared"/> item carries changes that only count once a later
    /// <see cref="XaPhase.Committed"/> item with the same <see cref="XaId"/> arrives (and never after <see cref="XaPhase.RolledBack"/>).
    /// </summary>
    public XaPhase XaPhase { get; init; }
    /// <summary>The XID of an XA transaction as the binlog spells it; null for ordinary transactions.</summary>
    public string? XaId { get; init; }

    /// <summary>
    /// MariaDB: the transaction was written with @@skip_replication=1 (LOG_EVENT_SKIP_REPLICATION_F), which
    /// replicas may be told to ignore; a writer can use it to mark its own changes.
    /// </summary>
    public bool SkipReplication { get; init; }

    public bool IsDdl => Changes.Count == 1 && Changes[0] is DdlChange;

    /// <summary>Releases the changes' memory and spill file; the changes are gone afterwards.</summary>
    public void Dispose() => (Changes as IDisposable)?.Dispose();

    public override string ToString() => IsHeartbeat ? $"Heartbeat at {EndPosition}" : $"{Id ?? "(no id)"}: {Changes.Count} change(s), ends {EndPosition}";
}
