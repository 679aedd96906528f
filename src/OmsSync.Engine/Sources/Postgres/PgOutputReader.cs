using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.Sources.MySql.Values;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// Reads a task's replication slot with pgoutput and assembles whole transactions of row changes, each value turned
/// at once into what the MySQL applier writes (Npgsql reuses its message objects, so nothing of them is kept).
/// An unchanged TOASTed value is <see cref="ColumnNotLogged.Value"/>, unless the before-image (REPLICA IDENTITY FULL)
/// holds it. A change without a before-image (the key did not change) gets the after-image as its before-image.
/// </summary>
internal sealed class PgOutputReader
{
    private readonly LogicalReplicationConnection _connection;
    private readonly string _slot;
    private readonly PgOutputReplicationOptions _options;
    private readonly IReadOnlyDictionary<(string Schema, string Table), Func<string, Func<string, object>?>> _converters;

    /// <param name="converters">Per source table: the converter of a column by name, null for a column the table did not have.</param>
    public PgOutputReader(LogicalReplicationConnection connection, string slot, string publication, bool messages,
        IReadOnlyDictionary<(string Schema, string Table), Func<string, Func<string, object>?>> converters)
    {
        _connection = connection;
        _slot = slot;
        _options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, messages: messages ? true : null);
        _converters = converters;
    }

    /// <summary>Tells the server that everything up to <paramref name="lsn"/> is safely applied: the slot may let that WAL go.</summary>
    public void Acknowledge(NpgsqlLogSequenceNumber lsn) => _connection.SetReplicationStatus(lsn);

    private sealed record Relation(string Schema, string Table, string?[] Columns, Func<string, object>?[] Convert);

    public async IAsyncEnumerable<LogicalTransaction> ReadAsync(NpgsqlLogSequenceNumber start,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var relations = new Dictionary<uint, Relation>();
        var changes = new List<BinlogChange>();
        await foreach (var message in _connection.StartReplication(new PgOutputReplicationSlot(_slot), _options, cancellationToken, start).ConfigureAwait(false))
        {
            switch (message)
            {
                case BeginMessage:
                    changes = [];
                    break;
                case RelationMessage r:
                    relations[r.RelationId] = Describe(r);
                    break;
                case InsertMessage i:
                    changes.Add(await ChangeAsync(RowChangeKind.Insert, relations[i.Relation.RelationId], null, i.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                case FullUpdateMessage u:
                    changes.Add(await ChangeAsync(RowChangeKind.Update, relations[u.Relation.RelationId], u.OldRow, u.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                case IndexUpdateMessage u:
                    changes.Add(await ChangeAsync(RowChangeKind.Update, relations[u.Relation.RelationId], u.Key, u.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                case UpdateMessage u:
                    changes.Add(await ChangeAsync(RowChangeKind.Update, relations[u.Relation.RelationId], null, u.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                case FullDeleteMessage d:
                    changes.Add(await ChangeAsync(RowChangeKind.Delete, relations[d.Relation.RelationId], d.OldRow, null, cancellationToken).ConfigureAwait(false));
                    break;
                case KeyDeleteMessage d:
                    changes.Add(await ChangeAsync(RowChangeKind.Delete, relations[d.Relation.RelationId], d.Key, null, cancellationToken).ConfigureAwait(false));
                    break;
                case TruncateMessage t:
                    changes.AddRange(t.Relations.Select(r => new TruncateChange(r.Namespace, r.RelationName)));
                    break;
                case CommitMessage c:
                    yield return new LogicalTransaction(changes, c.TransactionCommitTimestamp, c.TransactionEndLsn);
                    break;
                case LogicalDecodingMessage m when (m.Flags & 1) == 0:
                    // A message outside any transaction (the task's heartbeat): a safe point to move the checkpoint to.
                    yield return LogicalTransaction.Heartbeat(m.MessageLsn);
                    break;
            }
        }
    }

    private Relation Describe(RelationMessage relation)
    {
        var converter = _converters.GetValueOrDefault((relation.Namespace, relation.RelationName));
        var names = relation.Columns.Select(c => (string?)c.ColumnName).ToArray();
        return new Relation(relation.Namespace, relation.RelationName, names, names.Select(n => converter?.Invoke(n!)).ToArray());
    }

    private static async Task<BinlogRowChange> ChangeAsync(RowChangeKind kind, Relation relation, ReplicationTuple? before, ReplicationTuple? after,
        CancellationToken cancellationToken)
    {
        var old = before is null ? null : await ValuesAsync(relation, before, cancellationToken).ConfigureAwait(false);
        var now = after is null ? null : await ValuesAsync(relation, after, cancellationToken).ConfigureAwait(false);
        if (old is not null && now is not null)
            for (var i = 0; i < now.Length; i++)
                if (now[i] is ColumnNotLogged && old[i] is not ColumnNotLogged and not null)
                    now[i] = old[i];
        return new BinlogRowChange(kind, relation.Schema, relation.Table, relation.Columns, old ?? now, now, null);
    }

    private static async Task<object?[]> ValuesAsync(Relation relation, ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new object?[relation.Columns.Length];
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false))
        {
            if (value.IsDBNull) values[i] = null;
            else if (value.IsUnchangedToastedValue) values[i] = ColumnNotLogged.Value;
            else
            {
                var text = await value.Get<string>(cancellationToken).ConfigureAwait(false);
                values[i] = relation.Convert[i] is { } convert ? convert(text) : text;
            }
            i++;
        }
        return values;
    }
}
