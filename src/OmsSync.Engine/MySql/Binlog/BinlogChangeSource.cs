using OmsSync.Engine.Changes.Spill;
using MySqlConnector;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// A MySQL-family server's binlog as the change stream of a task direction, read by OmsSync's own replication client.
/// Rows are decoded with each table's shape at their position (the task's schema history); a transaction larger than
/// the memory bound waits in a spill file. The source's `oms`.`heartbeat` row, written every second, keeps an idle
/// stream moving and gives commit times in microseconds (<see cref="CommitClock"/>).
/// </summary>
internal sealed class BinlogChangeSource : IChangeSource
{
    private readonly MySqlEndpoint _source;
    private readonly string _password;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly SchemaHistory _history;
    private readonly string _spillDirectory;
    private readonly Action<string> _log;

    public BinlogChangeSource(MySqlEndpoint source, string password, MigrationTask task, Direction direction, StateStore store, Action<string> log)
    {
        _source = source;
        _password = password;
        _task = task;
        _direction = direction;
        _history = new SchemaHistory(store);
        _spillDirectory = store.Home.SpillFolder(task.Name, direction);
        _log = log;
    }

    public bool StartsAtTimestamp => true;

    private BinlogConnectionOptions ReplicaOptions() => BinlogConnectionOptions.ForTask(_source.Source, _password, $"{_task.Name}/{_direction}");

    // MySQL 9.6 moved foreign key actions into the SQL layer, which logs their rows; InnoDB's own actions are not logged.
    public bool LogsCascades { get; private set; }

    public SourcePosition ParsePosition(string text) => CheckpointPosition.Parse(text);

    public async Task<SourcePosition> RecordStartAsync(IReadOnlyList<TaskTable> tables, bool copyFollows, CancellationToken cancellationToken)
    {
        var start = await BinlogServerInfo.GetCurrentPositionAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
        if (_direction == Direction.Forward && _task.StartTimestamp is not null && !copyFollows)
        {
            // A timestamp start reads from the oldest binlog the source keeps and skips what committed before it.
            var files = await BinlogServerInfo.ListFilesAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);
            start = new BinlogPosition(files[0].Name, 4, null, start.Flavor);
        }
        // The tables' shapes are in force from the start on: rows are decoded with them until a DDL says otherwise.
        foreach (var table in tables)
            _history.Record(_task.Name, _direction, table.Mapping.SourceDatabase, table.Mapping.SourceTable, table.Schema, table.Mapping, member: true,
                CheckpointPosition.FileSequence(start.File), start.Position);
        return start;
    }

    // The binlog holds every table's changes.
    public Task PublishAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<SourcePosition> CurrentPositionAsync(CancellationToken cancellationToken) =>
        await BinlogServerInfo.GetCurrentPositionAsync(ReplicaOptions(), cancellationToken).ConfigureAwait(false);

    public async Task<IChangeStream> OpenAsync(SourcePosition from, IReadOnlyDictionary<(string, string), TaskTable> tables, IDdlSync? ddl, CancellationToken cancellationToken)
    {
        await using (var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false))
            LogsCascades = !connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)
                           && Version.TryParse(new string(connection.ServerVersion.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()), out var version)
                           && version >= new Version(9, 6);
        _log($"reading the binlog from {from}");
        var options = ReplicaOptions();
        var reader = new BinlogTransactionReader(options,
            new VersionedSchemaProvider(_history, _task.Name, _direction, new InformationSchemaProvider(options),
                ddl is null ? null : (database, statement, end, token) => ddl.OnDdlAsync(database, statement, end, token)),
            (database, table) => (ddl?.Includes(database, table) ?? tables.ContainsKey((database, table)))
                || LoopFilter.IsMarkerTable(database, table) || SourceHeartbeat.IsHeartbeatTable(database, table),
            new TransactionSpillOptions(_spillDirectory, _task.IncrementalMemoryLimit));
        return new Stream(reader, (BinlogPosition)from, new CommitClock(_task.OmsKey), options.Describe);
    }

    private sealed class Stream(BinlogTransactionReader reader, BinlogPosition from, CommitClock clock, string describe) : IChangeStream
    {
        public async IAsyncEnumerable<SourceTransaction> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await using var transactions = reader.ReadAsync(BinlogStartPosition.FromCheckpoint(from), cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await transactions.MoveNextAsync().ConfigureAwait(false)) yield break;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
                {
                    // The binlog client's own socket: name the server, as the other connections' errors do.
                    throw new IOException($"Lost the binlog connection to {describe}: {e.Message}", e);
                }
                var transaction = transactions.Current;
                if (!transaction.IsHeartbeat) transaction.CommitTime = clock.CommitTimeOf(transaction);
                yield return transaction;
            }
        }

        public void Acknowledge(SourcePosition committed)
        {
            // A binlog needs no word: the checkpoint on the target is all a restart reads.
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public string? MissingBeforeImages(TaskTable table) => null; // the pre-check holds the source to binlog_row_image=FULL

    /// <summary>True when a DDL statement names one of the task's source tables.</summary>
    public bool Concerns(DdlChange ddl, IReadOnlyDictionary<(string, string), TaskTable> tables)
    {
        var tokens = Schema.MySqlTokenizer.Tokenize(ddl.Statement).Where(t => !t.IsTrivia).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].IsIdentifier) continue;
            var name = tokens[i].IdentifierValue;
            var qualified = i + 2 < tokens.Count && tokens[i + 1].IsSymbol(".") && tokens[i + 2].IsIdentifier;
            var (db, table) = qualified ? (name, tokens[i + 2].IdentifierValue) : (ddl.Database, name);
            if (tables.ContainsKey((db, table))) return true;
        }
        return false;
    }

    public async Task<IRowFilter?> OpenRowFilterAsync(IEnumerable<TaskTable> tables, CancellationToken cancellationToken) =>
        // Tables that join through DDL may bring row filters too.
        tables.Any(t => t.Mapping.RowFilter is not null) || _task.IncrementalDdl && _task.RowFilters.Count > 0
            ? new MySqlRowFilter(await _source.OpenAsync(cancellationToken).ConfigureAwait(false))
            : null;

    public async Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ClockSkew.OffsetAsync(token => MySqlEndpoint.ReadClockAsync(connection, token), cancellationToken).ConfigureAwait(false);
    }

    public Task RunHeartbeatAsync(CancellationToken cancellationToken) => SourceHeartbeat.RunAsync(_source, _task.OmsKey, TimeSpan.FromSeconds(1), _log, cancellationToken);

    public bool IsTransient(Exception error) => error switch
    {
        BinlogServerException b => !b.IsBinlogUnavailable && b.ErrorNumber != BinlogServerException.AccessDenied,
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted
            or MySqlErrorCode.ConnectionCountError || m.InnerException is IOException or System.Net.Sockets.SocketException,
        OmsException o => o.ErrorId == "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    public Exception Translate(Exception error) => error switch
    {
        BinlogServerException b when b.IsBinlogUnavailable => new OmsException("BinlogPurged", OmsErrorKind.InvalidState, _task.Name,
            $"The source no longer has the binlog the task's checkpoint points to ({b.ServerMessage}). Changes since then are lost to this task: " +
            "run a new full migration (Remove-OmsTask, then New-OmsTask with Full), and keep binlogs longer (expire_logs_days / binlog_expire_logs_seconds).", error),
        _ => error,
    };
}
