using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// A PostgreSQL source's changes through logical replication: a publication and a replication slot of the task
/// direction's own, read with pgoutput. The slot is acknowledged only up to what the target has committed, so the server
/// keeps every change the target does not have; after any crash reading resumes from the target's checkpoint.
/// </summary>
internal sealed class PgOutputChangeSource : IChangeSource
{
    private readonly PostgresEndpoint _source;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly string _name;
    private readonly string _spillDirectory;
    private readonly Action<string> _log;
    private readonly Dictionary<(string, string), bool> _wholeBeforeImages = [];

    public PgOutputChangeSource(PostgresEndpoint source, MigrationTask task, Direction direction, StateStore store, Action<string> log)
    {
        _source = source;
        _task = task;
        _direction = direction;
        _name = ReplicationObjects.Name(task, direction);
        _spillDirectory = store.Home.SpillFolder(task.Name, direction);
        _log = log;
    }

    // A new replication slot starts at its creation: nothing older can be read.
    public bool StartsAtTimestamp => false;

    // PostgreSQL's foreign key actions are ordinary row changes, decoded like any other.
    public bool LogsCascades => true;

    public SourcePosition ParsePosition(string text) => PostgresPosition.Parse(text);

    /// <summary>Creates the task's publication and replication slot; the slot's consistent point is where reading starts.</summary>
    public async Task<SourcePosition> RecordStartAsync(IReadOnlyList<TaskTable> tables, bool copyFollows, CancellationToken cancellationToken)
    {
        if (_task.StartTimestamp is not null && _direction == Direction.Forward)
            _log("-StartTimestamp does not apply to a PostgreSQL source: reading starts where the replication slot is created");
        await PublishAsync(tables, cancellationToken).ConfigureAwait(false);
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A slot left by a start that crashed before its checkpoint was written still holds everything since it was made.
        await using var slot = new NpgsqlCommand(
            "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1 UNION ALL " +
            "SELECT lsn FROM pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)", source);
        slot.Parameters.AddWithValue(_name);
        var start = (NpgsqlLogSequenceNumber)(await slot.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        _log($"replication slot and publication {_name} ready at {start}");
        return new PostgresPosition(start);
    }

    public async Task PublishAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var published = tables.Select(t => PostgresSyntax.QuoteQualified(t.Mapping.SourceDatabase, t.Mapping.SourceTable)).ToList();
        if (_task.Topology == Topology.Bidirectional)
        {
            // The other direction's checkpoint writes mark the transactions it applied here, and its copy's chunk marks the
            // chunks it loaded (a table joining the task): they must be seen to be dropped.
            await PostgresControlSchema.EnsureAsync(source, cancellationToken).ConfigureAwait(false);
            published.Add(PostgresSyntax.QuoteQualified(PostgresControlSchema.Schema, "checkpoints"));
            published.Add(PostgresSyntax.QuoteQualified(PostgresControlSchema.Schema, "full_chunks"));
        }
        var publication = PostgresSyntax.QuoteIdentifier(_name);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_publication WHERE pubname = $1", source))
        {
            exists.Parameters.AddWithValue(_name);
            // A partitioned table's changes are published under its own name, not its partitions' (PostgreSQL 13+).
            var sql = await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null
                ? $"CREATE PUBLICATION {publication} FOR TABLE {string.Join(", ", published)}" + (source.PostgreSqlVersion.Major >= 13 ? " WITH (publish_via_partition_root = true)" : "")
                : $"ALTER PUBLICATION {publication} SET TABLE {string.Join(", ", published)}";
            await using var create = new NpgsqlCommand(sql, source);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<SourcePosition> CurrentPositionAsync(CancellationToken cancellationToken)
    {
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The insert position, not the write position: with synchronous_commit off a committed (visible) transaction's
        // commit record may not be written yet, and it must still count as one a copy may hold.
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", source);
        return new PostgresPosition((NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    public async Task<IChangeStream> OpenAsync(SourcePosition from, IReadOnlyDictionary<(string, string), TaskTable> tables, IDdlSync? ddl,
        CancellationToken cancellationToken)
    {
        await ReadReplicaIdentitiesAsync(tables.Values, cancellationToken).ConfigureAwait(false);
        // Whether an update or delete crosses a row filter can only be told from whole before-images.
        if (tables.Values.FirstOrDefault(t => t.Mapping.RowFilter is not null && !_wholeBeforeImages[(t.Mapping.SourceDatabase, t.Mapping.SourceTable)]) is { } filtered)
        {
            var quoted = PostgresSyntax.QuoteQualified(filtered.Mapping.SourceDatabase, filtered.Mapping.SourceTable);
            throw new OmsException("ReplicaIdentityNotFull", OmsErrorKind.InvalidState, filtered.Mapping.Source,
                $"Table '{filtered.Mapping.Source}' has a row filter, and whether an update or delete crosses it can only be told from whole before-images. " +
                $"Run ALTER TABLE {quoted} REPLICA IDENTITY FULL, then resume the task.");
        }
        var start = ((PostgresPosition)from).Lsn;
        _log($"reading replication slot {_name} from {start}");
        // The target holds the source's generated columns as plain ones: their values, which pgoutput does not send, are computed by the source.
        var generated = new PostgresGeneratedValues(new PostgresImageEvaluator(await _source.OpenAsync(cancellationToken).ConfigureAwait(false)));
        try
        {
            var replication = await _source.OpenReplicationAsync(cancellationToken).ConfigureAwait(false);
            var reader = new PgOutputReader(replication, _name, _name, messages: replication.PostgreSqlVersion.Major >= 14,
                new TransactionSpillOptions(_spillDirectory, _task.IncrementalMemoryLimit), generated);
            return new Stream(replication, reader, start, generated);
        }
        catch
        {
            await generated.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Stream(LogicalReplicationConnection replication, PgOutputReader reader, NpgsqlLogSequenceNumber start, PostgresGeneratedValues generated)
        : IChangeStream
    {
        public IAsyncEnumerable<SourceTransaction> ReadAsync(CancellationToken cancellationToken) => reader.ReadAsync(start, cancellationToken);

        public void Acknowledge(SourcePosition committed) => reader.Acknowledge(((PostgresPosition)committed).Lsn);

        public async ValueTask DisposeAsync()
        {
            await replication.DisposeAsync().ConfigureAwait(false);
            await generated.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadReplicaIdentitiesAsync(IEnumerable<TaskTable> tables, CancellationToken cancellationToken)
    {
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand("SELECT relreplident::text FROM pg_class WHERE oid = $1::regclass", source);
            command.Parameters.AddWithValue(PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable));
            _wholeBeforeImages[(table.Mapping.SourceDatabase, table.Mapping.SourceTable)] = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is "f";
        }
    }

    public string? MissingBeforeImages(TaskTable table) =>
        _wholeBeforeImages.GetValueOrDefault((table.Mapping.SourceDatabase, table.Mapping.SourceTable))
            ? null
            : $"run ALTER TABLE {PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable)} REPLICA IDENTITY FULL on the source, then resume the task.";

    public bool Concerns(DdlChange ddl, IReadOnlyDictionary<(string, string), TaskTable> tables) => false; // pgoutput carries no DDL statements

    public async Task<IRowFilter?> OpenRowFilterAsync(IEnumerable<TaskTable> tables, CancellationToken cancellationToken) =>
        tables.Any(t => t.Mapping.RowFilter is not null) ? new PostgresRowFilter(await _source.OpenAsync(cancellationToken).ConfigureAwait(false)) : null;

    public async Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken)
    {
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ClockSkew.OffsetAsync(token => PostgresEndpoint.ReadClockAsync(source, token), cancellationToken).ConfigureAwait(false);
    }

    public Task RunHeartbeatAsync(CancellationToken cancellationToken) => PostgresHeartbeat.RunAsync(_source, _task.OmsKey, TimeSpan.FromSeconds(3), _log, cancellationToken);

    public bool IsTransient(Exception error) => error switch
    {
        PostgresException p => p.IsTransient || p.SqlState == PostgresErrorCodes.ObjectInUse, // the slot is still held by a dead worker's sender
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException,
        OmsException o => o.ErrorId == "ConnectionFailed",
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    public Exception Translate(Exception error) => error switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UndefinedObject } p => new OmsException("ReplicationSlotMissing", OmsErrorKind.InvalidState, _task.Name,
            $"The source no longer has the task's replication slot {_name} ({p.MessageText}). Changes since the checkpoint are lost to this task: " +
            "run a new full migration (Remove-OmsTask, then New-OmsTask with Full).", error),
        _ => error,
    };
}
