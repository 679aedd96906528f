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
/// Stored generated columns, which pgoutput does not send, are listed after the sent columns and their values computed
/// by the source (<see cref="PostgresGeneratedValues"/>) when the reader is given that.
/// </summary>
internal sealed class PgOutputReader
{
    private readonly LogicalReplicationConnection _connection;
    private readonly string _slot;
    private readonly PgOutputReplicationOptions _options;
    private readonly TransactionSpillOptions _spill;
    private readonly ChangeMemoryBudget _budget;
    private readonly PostgresGeneratedValues? _generated;

    /// <param name="generated">Computes the generated columns' values the stream leaves out; null to leave them out.</param>
    public PgOutputReader(LogicalReplicationConnection connection, string slot, string publication, bool messages, TransactionSpillOptions spill,
        PostgresGeneratedValues? generated = null)
    {
        _connection = connection;
        _slot = slot;
        _options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, messages: messages ? true : null);
        _spill = spill;
        _budget = new ChangeMemoryBudget(spill.MemoryLimitBytes);
        _generated = generated;
    }

    /// <summary>
    /// A table as its rows arrive: <paramref name="Listed"/> names the columns the stream sends (the first
    /// <paramref name="Sent"/>) and, after them, its stored generated columns when they are computed.
    /// </summary>
    private sealed record Described(PostgresChangeList.Relation Listed, int Sent, PostgresGeneratedValues.Table? Generated);

    /// <summary>Tells the server that everything up to <paramref name="lsn"/> is safely applied: the slot may let that WAL go.</summary>
    public void Acknowledge(NpgsqlLogSequenceNumber lsn) => _connection.SetReplicationStatus(lsn);

    public async IAsyncEnumerable<SourceTransaction> ReadAsync(NpgsqlLogSequenceNumber start,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var relations = new Dictionary<uint, Described>();
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
                        var described = relations[r.RelationId] = await DescribeAsync(r, cancellationToken).ConfigureAwait(false);
                        // Sent before a table's first row in each session and whenever its columns change: the columns its rows have from here on.
                        if (changes is { } current) Then(() => current.AddColumns(described.Listed));
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
                        foreach (var (schema, table) in t.Relations.Select(r => (r.Namespace, r.RelationName)).ToList())
                        {
                            var truncated = changes!;
                            Then(() => truncated.AddTruncate(schema, table));
                        }
                        break;
                    case CommitMessage c:
                        if (_generated is not null) await _generated.FlushAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>The table a relation message describes, with its generated columns when they are computed.</summary>
    private async Task<Described> DescribeAsync(RelationMessage message, CancellationToken cancellationToken)
    {
        // Npgsql reuses the message: what is needed of it is read before anything else is awaited.
        var sent = message.Columns.Select(c => c.ColumnName).ToList();
        var key = message.Columns.Where(c => (c.Flags & RelationMessage.Column.ColumnFlags.PartOfKey) != 0).Select(c => c.ColumnName).ToList();
        var (schema, table, id) = (message.Namespace, message.RelationName, message.RelationId);
        var generated = _generated is null ? null : await _generated.DescribeAsync(id, key, cancellationToken).ConfigureAwait(false);
        var columns = sent.Concat(generated?.Columns.Select(c => c.Name).Where(n => !sent.Contains(n)) ?? []).Select(n => (string?)n).ToArray();
        return new Described(new PostgresChangeList.Relation(schema, table, columns), sent.Count, generated);
    }

    /// <summary>Adds to the transaction once the generated values of the rows before are computed (at once without any).</summary>
    private void Then(Action add)
    {
        if (_generated is null) add();
        else _generated.Then(add);
    }

    private async Task AddAsync(PostgresChangeList changes, RowChangeKind kind, Described relation, ReplicationTuple? before,
        ReplicationTuple? after, bool wholeBefore, CancellationToken cancellationToken)
    {
        var old = before is null ? null : await ValuesAsync(relation, before, wholeBefore, cancellationToken).ConfigureAwait(false);
        var now = after is null ? null : await ValuesAsync(relation, after, true, cancellationToken).ConfigureAwait(false);
        if (old is not null && now is not null)
            for (var i = 0; i < relation.Sent; i++)
                if (now[i] is ColumnNotLogged && old[i] is not ColumnNotLogged and not null)
                    now[i] = old[i];
        if (relation.Generated is { } generated)
        {
            // An after-image gets them, and so does a whole before-image (a keyless table's rows are matched by every column,
            // NewerWins compares whole rows); a before-image of the key only, as deletes and key changes send, needs none.
            if (now is not null) _generated!.Compute(generated, relation.Listed.Columns, now);
            if (old is not null && wholeBefore) _generated!.Compute(generated, relation.Listed.Columns, old);
        }
        if (_generated is not { Waiting: true })
        {
            changes.Add(relation.Listed, kind, old, now, wholeBefore);
            return;
        }
        _generated.Then(() => changes.Add(relation.Listed, kind, old, now, wholeBefore));
        if (_generated.Due) await _generated.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <param name="whole">Whether the tuple is a whole row, whose generated columns wait for their values; an image of the key leaves them NULL like its other columns.</param>
    private static async Task<object?[]> ValuesAsync(Described relation, ReplicationTuple tuple, bool whole, CancellationToken cancellationToken)
    {
        var values = new object?[relation.Listed.Columns.Count];
        for (var g = relation.Sent; g < values.Length; g++)
            values[g] = whole ? ColumnNotLogged.Value : null;
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
