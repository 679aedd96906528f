using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Changes.Spill;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// Reads a task's replication slot with pgoutput and assembles whole transactions of row changes and TRUNCATEs, their
/// values in PostgreSQL's text (the value mapping turns them into the target's values later). Npgsql reuses its message
/// objects, so nothing of them is kept. An unchanged TOASTed value is <see cref="ColumnNotLogged.Value"/>, unless the
/// before-image (REPLICA IDENTITY FULL) holds it; a change without a before-image (the key did not change) gets its
/// after-image as before-image. Rows past the memory bound wait in a spill file (<see cref="PostgresChangeList"/>).
/// </summary>
internal sealed class PgOutputReader
{
    private readonly LogicalReplicationConnection _connection;
    private readonly string _slot;
    private readonly PgOutputReplicationOptions _options;
    private readonly TransactionSpillOptions _spill;
    private readonly ChangeMemoryBudget _budget;

    public PgOutputReader(LogicalReplicationConnection connection, string slot, string publication, bool messages, TransactionSpillOptions spill)
    {
        _connection = connection;
        _slot = slot;
        _options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, messages: messages ? true : null);
        _spill = spill;
        _budget = new ChangeMemoryBudget(spill.MemoryLimitBytes);
    }

    /// <summary>Tells the server that everything up to <paramref name="lsn"/> is safely applied: the slot may let that WAL go.</summary>
    public void Acknowledge(NpgsqlLogSequenceNumber lsn) => _connection.SetReplicationStatus(lsn);

    public async IAsyncEnumerable<SourceTransaction> ReadAsync(NpgsqlLogSequenceNumber start,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var relations = new Dictionary<uint, PostgresChangeList.Relation>();
        PostgresChangeList? changes = null;
        var boundary = new PostgresPosition(start);
        var commit = default(NpgsqlLogSequenceNumber);
        uint? xid = null;
        try
        {
            await foreach (var message in _connection.StartReplication(new PgOutputReplicationSlot(_slot), _options, cancellationToken, start).ConfigureAwait(false))
            {
                switch (message)
                {
                    case BeginMessage b:
                        changes?.Dispose();
                        changes = new PostgresChangeList(_spill, _budget);
                        commit = b.TransactionFinalLsn;
                        xid = b.TransactionXid;
                        break;
                    case RelationMessage r:
                        relations[r.RelationId] = new PostgresChangeList.Relation(r.Namespace, r.RelationName, r.Columns.Select(c => (string?)c.ColumnName).ToArray());
                        // Sent before a table's first row in each session and whenever its columns change: the columns its rows have from here on.
                        changes?.AddColumns(relations[r.RelationId]);
                        break;
                    case InsertMessage i:
                        await AddAsync(changes!, RowChangeKind.Insert, relations[i.Relation.RelationId], null, i.NewRow, true, cancellationToken).ConfigureAwait(false);
                        break;
                    case FullUpdateMessage u:
                        await AddAsync(changes!, RowChangeKind.Update, relations[u.Relation.RelationId], u.OldRow, u.NewRow, true, cancellationToken).ConfigureAwait(false);
                        break;
                    case IndexUpdateMessage u:
                        await AddAsync(changes!, RowChangeKind.Update, relations[u.Relation.RelationId], u.Key, u.NewRow, false, cancellationToken).ConfigureAwait(false);
                        break;
                    case UpdateMessage u:
                        await AddAsync(changes!, RowChangeKind.Update, relations[u.Relation.RelationId], null, u.NewRow, false, cancellationToken).ConfigureAwait(false);
                        break;
                    case FullDeleteMessage d:
                        await AddAsync(changes!, RowChangeKind.Delete, relations[d.Relation.RelationId], d.OldRow, null, true, cancellationToken).ConfigureAwait(false);
                        break;
                    case KeyDeleteMessage d:
                        await AddAsync(changes!, RowChangeKind.Delete, relations[d.Relation.RelationId], d.Key, null, false, cancellationToken).ConfigureAwait(false);
                        break;
                    case TruncateMessage t:
                        foreach (var r in t.Relations) changes!.AddTruncate(r.Namespace, r.RelationName);
                        break;
                    case CommitMessage c:
                        changes!.Seal();
                        var end = new PostgresPosition(c.TransactionEndLsn);
                        yield return new SourceTransaction(xid?.ToString(System.Globalization.CultureInfo.InvariantCulture), changes, c.TransactionCommitTimestamp, boundary, end)
                        {
                            // A commit under way when a copy ended may be in the copy: compared by where the commit record starts.
                            CommitPosition = new PostgresPosition(commit),
                        };
                        changes = null;
                        boundary = end;
                        break;
                    case LogicalDecodingMessage m when (m.Flags & 1) == 0:
                        // A message outside any transaction (the task's heartbeat): a safe point to move the checkpoint to.
                        var at = new PostgresPosition(m.MessageLsn);
                        var clock = m.Prefix == PostgresHeartbeat.Prefix ? PostgresHeartbeat.SourceClock(await ContentAsync(m, cancellationToken).ConfigureAwait(false)) : null;
                        yield return new SourceTransaction(null, [], clock ?? DateTimeOffset.UtcNow, at, at, isHeartbeat: true) { SourceClocked = clock is not null };
                        break;
                }
            }
        }
        finally
        {
            changes?.Dispose();
        }
    }

    private static async Task<string> ContentAsync(LogicalDecodingMessage message, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await message.Data.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)content.Length);
    }

    private static async Task AddAsync(PostgresChangeList changes, RowChangeKind kind, PostgresChangeList.Relation relation, ReplicationTuple? before,
        ReplicationTuple? after, bool wholeBefore, CancellationToken cancellationToken)
    {
        var old = before is null ? null : await ValuesAsync(relation, before, cancellationToken).ConfigureAwait(false);
        var now = after is null ? null : await ValuesAsync(relation, after, cancellationToken).ConfigureAwait(false);
        if (old is not null && now is not null)
            for (var i = 0; i < now.Length; i++)
                if (now[i] is ColumnNotLogged && old[i] is not ColumnNotLogged and not null)
                    now[i] = old[i];
        changes.Add(relation, kind, old, now, wholeBefore);
    }

    private static async Task<object?[]> ValuesAsync(PostgresChangeList.Relation relation, ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new object?[relation.Columns.Count];
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false))
        {
            if (value.IsDBNull) values[i] = null;
            else if (value.IsUnchangedToastedValue) values[i] = ColumnNotLogged.Value;
            else values[i] = await value.Get<string>(cancellationToken).ConfigureAwait(false);
            i++;
        }
        return values;
    }
}
