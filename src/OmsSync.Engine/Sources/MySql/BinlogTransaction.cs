namespace OmsSync.Engine.Sources.MySql;

/// <summary>
/// A whole source transaction in commit order, or (when <see cref="IsHeartbeat"/>) a bare position
/// advance on an idle stream. <see cref="EndPosition"/> is where to resume to read what follows.
/// Dispose it once applied: a large transaction's changes hold memory budget and a spill file (see <see cref="BinlogChangeList"/>).
/// </summary>
public sealed class BinlogTransaction : IDisposable
{
    public BinlogTransaction(string? gtid, uint serverId, IReadOnlyList<BinlogChange> changes, DateTimeOffset commitTime,
        BinlogPosition startPosition, BinlogPosition endPosition, bool isHeartbeat = false)
    {
        Gtid = gtid;
        ServerId = serverId;
        Changes = changes;
        CommitTime = commitTime;
        StartPosition = startPosition;
        EndPosition = endPosition;
        IsHeartbeat = isHeartbeat;
        ContainsDdl = changes is BinlogChangeList list ? list.ContainsDdl : changes.Any(c => c is BinlogDdlChange);
    }

    /// <summary>"domain-server-sequence" (MariaDB) or "uuid:number" (MySQL); null without GTIDs and for heartbeats.</summary>
    public string? Gtid { get; }
    /// <summary>The server id of the server where the transaction originated.</summary>
    public uint ServerId { get; }
    /// <summary>The changes in order; for a large transaction partly read back from disk as it is enumerated (see <see cref="BinlogChangeList"/>).</summary>
    public IReadOnlyList<BinlogChange> Changes { get; }
    /// <summary>True when a DDL statement is among the changes (known without reading the changes).</summary>
    public bool ContainsDdl { get; }
    /// <summary>True when rows of the table are among the changes (read without decoding spilled rows again).</summary>
    public bool HasRowsOf(string database, string table) => Changes is BinlogChangeList list
        ? list.HasRowsOf(database, table)
        : Changes.Any(c => c is BinlogRowChange row && row.Database == database && row.Table == table);
    /// <summary>How many of the changes were spilled to disk rather than held in memory.</summary>
    public int SpilledChanges => (Changes as BinlogChangeList)?.SpilledCount ?? 0;
    /// <summary>Commit time on the source (seconds precision, microseconds where MySQL logs them).</summary>
    public DateTimeOffset CommitTime { get; }
    /// <summary>The boundary before the transaction.</summary>
    public BinlogPosition StartPosition { get; }
    /// <summary>The boundary after the transaction: the checkpoint to store once it is applied.</summary>
    public BinlogPosition EndPosition { get; }
    /// <summary>True for an idle-stream position advance: no changes, just a newer <see cref="EndPosition"/>.</summary>
    public bool IsHeartbeat { get; }

    /// <summary>
    /// Two-phase XA: a <see cref="BinlogXaPhase.Prepared"/> item carries changes that only count once a later
    /// <see cref="BinlogXaPhase.Committed"/> item with the same <see cref="XaId"/> arrives (and never after <see cref="BinlogXaPhase.RolledBack"/>).
    /// </summary>
    public BinlogXaPhase XaPhase { get; init; }
    /// <summary>The XID of an XA transaction as the binlog spells it; null for ordinary transactions.</summary>
    public string? XaId { get; init; }

    /// <summary>
    /// MariaDB: the transaction was written with @@skip_replication=1 (LOG_EVENT_SKIP_REPLICATION_F), which
    /// replicas may be told to ignore; a writer can use it to mark its own changes.
    /// </summary>
    public bool SkipReplication { get; init; }

    public bool IsDdl => Changes.Count == 1 && Changes[0] is BinlogDdlChange;

    /// <summary>Releases the changes' memory and spill file; the changes are gone afterwards.</summary>
    public void Dispose() => (Changes as IDisposable)?.Dispose();

    public override string ToString() => IsHeartbeat ? $"Heartbeat at {EndPosition}" : $"{Gtid ?? "(no gtid)"}: {Changes.Count} change(s), ends {EndPosition}";
}
