using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Rows;
using OmsSync.Engine.MySql.Binlog.Spill;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Groups binlog events into whole transactions. It keeps two positions: the last transaction
/// boundary (the only position ever handed out) and, while inside a transaction, the changes
/// collected so far. A transaction ends at XID, at COMMIT/ROLLBACK, or after a DDL statement.
/// Row changes past the memory budget spill to disk (<see cref="TransactionSpillOptions"/>).
/// </summary>
internal sealed class TransactionAssembler : IDisposable
{
    private readonly IBinlogSchemaProvider? _schemas;
    private readonly BinlogServerFlavor _flavor;
    private readonly Dictionary<ulong, TableMapEvent> _tableMaps = new();
    // Decoding plans by table, reused while the TABLE_MAP describes the same columns; cleared by DDL.
    private readonly Dictionary<(string Database, string Table), TableDecoder> _decoders = new();

    private string _file;
    private long _position;
    private MariaDbGtidList _mariaDbGtids;
    private MySqlGtidSet _mySqlGtids;
    private bool _gtidsKnown;

    // The open transaction, if any.
    private bool _inTransaction;
    private bool _sawBegin;
    private bool _standalone;
    private string? _gtid;
    private MariaDbGtid? _pendingMariaDbGtid;
    private (Guid Source, long Number)? _pendingMySqlGtid;
    private ulong? _commitMicroseconds;
    private uint _serverId;
    private bool _skipReplication;
    // Where the open transaction's rows are decoded: its start, or past a DDL whose rows follow in the same group.
    private BinlogPosition? _rowsSchemaAt;
    // A DDL whose rows follow it in its group (MariaDB's CREATE ... SELECT), tracked when read rather than at the group's end.
    private DdlChange? _ddlBeforeRows;
    private readonly HashSet<DdlChange> _trackedEarly = new(ReferenceEqualityComparer.Instance);
    private BinlogPosition? _transactionStart;
    private BinlogChangeList _changes;

    private readonly Func<string, string, bool>? _includeTable;
    private readonly TransactionSpillOptions _spill;
    private readonly ChangeMemoryBudget _budget;

    /// <param name="includeTable">Which tables' rows to decode; rows of others are skipped (their transactions still count). Null decodes all.</param>
    /// <param name="spill">Where and past how much memory row changes spill to disk; null for <see cref="TransactionSpillOptions.Default"/>.</param>
    public TransactionAssembler(BinlogServerFlavor flavor, BinlogStartPosition start, IBinlogSchemaProvider? schemas,
        Func<string, string, bool>? includeTable = null, TransactionSpillOptions? spill = null)
    {
        _flavor = flavor;
        _schemas = schemas;
        _includeTable = includeTable;
        _spill = spill ?? TransactionSpillOptions.Default;
        _budget = new ChangeMemoryBudget(_spill.MemoryLimitBytes);
        _changes = new BinlogChangeList(_spill, _budget);
        _file = start.File ?? "";
        _position = start.Position;
        _mariaDbGtids = start.MariaDbGtids ?? MariaDbGtidList.Empty;
        _mySqlGtids = start.MySqlGtids ?? MySqlGtidSet.Empty;
        _gtidsKnown = start.MariaDbGtids is not null || start.MySqlGtids is not null;
    }

    /// <summary>The last transaction boundary read.</summary>
    public BinlogPosition Boundary => new(_file, _position, GtidText(), _flavor);

    public bool InTransaction => _inTransaction;

    private string? GtidText() => !_gtidsKnown ? null : _flavor == BinlogServerFlavor.MariaDb ? _mariaDbGtids.ToString() : _mySqlGtids.ToString();

    /// <summary>Feeds one event; returns a transaction when the event completed one (or a heartbeat on an idle stream).</summary>
    public async ValueTask<SourceTransaction?> AcceptAsync(BinlogEvent e, CancellationToken cancellationToken)
    {
        var transaction = await AcceptCoreAsync(e, cancellationToken).ConfigureAwait(false);
        if (transaction is null || !transaction.ContainsDdl) return transaction;
        // Tables change shape only through DDL: decoding plans and schemas are renewed after one.
        foreach (var ddl in transaction.Changes.OfType<DdlChange>())
        {
            if (_trackedEarly.Remove(ddl)) continue;
            _decoders.Clear();
            if (_schemas is not null)
                await _schemas.OnDdlAsync(ddl.Database, ddl.Statement, transaction.BinlogEnd(), cancellationToken).ConfigureAwait(false);
        }
        return transaction;
    }

    private async ValueTask<SourceTransaction?> AcceptCoreAsync(BinlogEvent e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case RotateEvent rotate:
                // The first, artificial Rotate names the file a GTID start begins in; real ones move to the next file.
                if (!_inTransaction)
                {
                    _file = rotate.NextFile;
                    _position = (long)rotate.Position;
                }
                return null;
            case HeartbeatEvent heartbeat:
                return Heartbeat(heartbeat);
            case MariaDbGtidEvent gtid:
            {
                var flushed = _inTransaction ? Complete(gtid.Header, endAtPreviousBoundary: true) : null;
                Begin(gtid.Header);
                _gtid = gtid.Gtid.ToString();
                _pendingMariaDbGtid = gtid.Gtid;
                _standalone = gtid.IsStandalone;
                return flushed;
            }
            case MySqlGtidEvent gtid:
            {
                var flushed = _inTransaction ? Complete(gtid.Header, endAtPreviousBoundary: true) : null;
                Begin(gtid.Header);
                if (!gtid.IsAnonymous)
                {
                    _gtid = gtid.Gtid;
                    _pendingMySqlGtid = (gtid.Source, gtid.TransactionNumber);
                }
                _commitMicroseconds = gtid.CommitMicroseconds;
                return flushed;
            }
            case MariaDbGtidListEvent list:
                if (!_inTransaction)
                {
                    foreach (var g in list.Gtids)
                        if (_mariaDbGtids.Find(g.Domain) is not { } known || known.Sequence < g.Sequence)
                            _mariaDbGtids = _mariaDbGtids.With(g);
                    _gtidsKnown = true;
                }
                return Advance(e);
            case PreviousGtidsEvent previous:
                if (!_inTransaction)
                {
                    _mySqlGtids = _mySqlGtids.Union(previous.Set);
                    _gtidsKnown = true;
                }
                return Advance(e);
            case QueryEvent query:
            {
                var completed = Query(query);
                if (_ddlBeforeRows is { } ddl)
                {
                    // The rows after it in this group have the shape it gives, which the source may no longer have.
                    _ddlBeforeRows = null;
                    _rowsSchemaAt = new BinlogPosition(_file, query.Header.NextPosition, GtidText(), _flavor);
                    _decoders.Clear();
                    if (_schemas is not null)
                    {
                        await _schemas.OnDdlAsync(ddl.Database, ddl.Statement, _rowsSchemaAt, cancellationToken).ConfigureAwait(false);
                        _trackedEarly.Add(ddl);
                    }
                }
                return completed;
            }
            case XidEvent xid:
                return _inTransaction ? Complete(xid.Header) : Advance(e);
            case XaPrepareEvent prepare:
                return _inTransaction
                    ? Complete(prepare.Header, xa: (prepare.OnePhase ? XaPhase.None : XaPhase.Prepared, prepare.Xid))
                    : Advance(e);
            case TableMapEvent map:
                if (!_inTransaction) Begin(map.Header);
                _tableMaps[map.TableId] = map;
                return null;
            case RowsEvent rows:
                if (!_inTransaction) Begin(rows.Header);
                await AddRowsAsync(rows, cancellationToken).ConfigureAwait(false);
                return null;
            default:
                return Advance(e);
        }
    }

    private SourceTransaction? Advance(BinlogEvent e)
    {
        // The server re-sends a file's FORMAT_DESCRIPTION when a stream starts mid-file: never move backwards.
        if (!_inTransaction && !e.Header.IsArtificial && e.Header.NextPosition > _position) _position = e.Header.NextPosition;
        return null;
    }

    private SourceTransaction? Heartbeat(HeartbeatEvent heartbeat)
    {
        if (_inTransaction) return null;
        // The server only sends heartbeats when it has nothing to send: all before its position was seen or skipped on purpose.
        if (heartbeat.File.Length > 0 && heartbeat.File != _file && string.CompareOrdinal(heartbeat.File, _file) > 0)
        {
            _file = heartbeat.File;
            _position = (long)heartbeat.Position;
        }
        else if ((heartbeat.File.Length == 0 || heartbeat.File == _file) && (long)heartbeat.Position > _position)
        {
            _position = (long)heartbeat.Position;
        }
        var at = Boundary;
        return new SourceTransaction(null, [], DateTimeOffset.UtcNow, at, at, isHeartbeat: true) { ServerId = heartbeat.Header.ServerId };
    }

    private SourceTransaction? Query(QueryEvent query)
    {
        if (query.IsBegin || query.Statement.StartsWith("XA START", StringComparison.OrdinalIgnoreCase))
        {
            if (!_inTransaction) Begin(query.Header);
            _sawBegin = true;
            return null;
        }
        if (query.IsCommit || query.IsRollback || (query.IsXaOnePhase && _sawBegin))
            return _inTransaction ? Complete(query.Header) : Advance(query);
        if (query.IsXaEnd) return null;
        if (query.IsXaCommit || query.IsXaRollback)
        {
            // The outcome of a transaction prepared earlier: a group of its own, with no changes.
            if (!_inTransaction) Begin(query.Header);
            var xid = query.Statement.Trim()[(query.IsXaCommit ? "XA COMMIT".Length : "XA ROLLBACK".Length)..].Trim();
            return Complete(query.Header, xa: (query.IsXaCommit ? XaPhase.Committed : XaPhase.RolledBack, xid));
        }
        if (_sawBegin)
        {
            if (!query.IsSavepoint) _changes.Add(new StatementChange(query.Database, query.Statement));
            return null;
        }
        // A statement outside BEGIN..COMMIT is a DDL; with MariaDB's non-standalone groups (CREATE ... SELECT)
        // the rows that follow belong to it and the group ends at its COMMIT.
        if (!_inTransaction) Begin(query.Header);
        var ddl = new DdlChange(query.Database, query.Statement);
        _changes.Add(ddl);
        var endsGroup = _flavor == BinlogServerFlavor.MySql || _pendingMariaDbGtid is null || _standalone;
        if (endsGroup) return Complete(query.Header);
        _ddlBeforeRows = ddl;
        return null;
    }

    private void Begin(BinlogEventHeader header)
    {
        _inTransaction = true;
        _sawBegin = false;
        _standalone = false;
        _gtid = null;
        _pendingMariaDbGtid = null;
        _pendingMySqlGtid = null;
        _commitMicroseconds = null;
        _rowsSchemaAt = null;
        _ddlBeforeRows = null;
        _serverId = header.ServerId;
        _skipReplication = (header.Flags & BinlogEventHeader.SkipReplicationFlag) != 0;
        _transactionStart = Boundary;
    }

    private SourceTransaction? Complete(BinlogEventHeader header, bool endAtPreviousBoundary = false, (XaPhase Phase, string Xid)? xa = null)
    {
        // A transaction cut short by the next one's GTID event ends where that event starts.
        if (!header.IsArtificial)
            _position = endAtPreviousBoundary ? header.NextPosition - header.EventSize : header.NextPosition;
        if (_pendingMariaDbGtid is { } mariaDb)
        {
            _mariaDbGtids = _mariaDbGtids.With(mariaDb);
            _gtidsKnown |= _mariaDbGtids.Gtids.Count > 0;
        }
        if (_pendingMySqlGtid is { } mySql) _mySqlGtids = _mySqlGtids.Add(mySql.Source, mySql.Number);
        var commitTime = _commitMicroseconds is { } micro and > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(micro / 1000)).AddTicks((long)(micro % 1000) * 10)
            : DateTimeOffset.FromUnixTimeSeconds(header.Timestamp);
        _changes.Seal();
        var transaction = new SourceTransaction(_gtid, _changes, commitTime, _transactionStart!, Boundary)
        {
            ServerId = _serverId,
            XaPhase = xa?.Phase ?? XaPhase.None,
            SkipReplication = _skipReplication || (header.Flags & BinlogEventHeader.SkipReplicationFlag) != 0,
            XaId = xa?.Xid,
        };
        _inTransaction = false;
        _sawBegin = false;
        _changes = new BinlogChangeList(_spill, _budget);
        return transaction;
    }

    private async ValueTask AddRowsAsync(RowsEvent rows, CancellationToken cancellationToken)
    {
        if (!_tableMaps.TryGetValue(rows.TableId, out var map))
            throw new FormatException($"Rows event for table id {rows.TableId} arrived without its TABLE_MAP event.");
        if (_includeTable is not null && !_includeTable(map.Database, map.Table))
        {
            // Not wanted: not decoded either, so an unrelated table's schema never matters.
            if ((rows.Flags & RowsEvent.StatementEndFlag) != 0) _tableMaps.Clear();
            return;
        }
        var key = (map.Database, map.Table);
        if (!_decoders.TryGetValue(key, out var decoder) || !decoder.Describes(map))
        {
            TableSchema? schema = null;
            if (_schemas is not null)
                schema = await _schemas.GetTableAsync(map.Database, map.Table, _rowsSchemaAt ?? _transactionStart ?? Boundary, cancellationToken).ConfigureAwait(false);
            decoder = new TableDecoder(map, RowColumn.Build(map, schema), schema);
            _decoders[key] = decoder;
        }
        var kind = rows.Kind switch
        {
            RowsEventKind.Insert => RowChangeKind.Insert,
            RowsEventKind.Update => RowChangeKind.Update,
            _ => RowChangeKind.Delete,
        };
        _changes.AddRows(new RowsShape(kind, rows, map.Database, map.Table, decoder.Columns, decoder.Names, decoder.Schema),
            rows.Rows, RowImageDecoder.Decode(rows, decoder.Columns));
        if ((rows.Flags & RowsEvent.StatementEndFlag) != 0) _tableMaps.Clear();
    }

    /// <summary>Gives back the memory and deletes the spill file of a transaction left unfinished when reading stopped.</summary>
    public void Dispose() => _changes.Dispose();

    private sealed class TableDecoder(TableMapEvent map, RowColumn[] columns, TableSchema? schema)
    {
        private readonly TableMapEvent _map = map;

        public RowColumn[] Columns { get; } = columns;
        public TableSchema? Schema { get; } = schema;
        public string?[] Names { get; } = columns.Select(c => c.Name).ToArray();

        /// <summary>True when <paramref name="other"/> maps the same column types, metadata and optional details.</summary>
        public bool Describes(TableMapEvent other) => ReferenceEquals(_map, other) || _map.Signature.AsSpan().SequenceEqual(other.Signature);
    }
}
