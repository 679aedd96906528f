using OmsSync.Engine.Changes;
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
    private readonly bool _keepText;
    private readonly int _pieceRows;

    /// <param name="converters">Per source table: the converter of a column by name, null for a column the table did not have.</param>
    /// <param name="keepText">Keep each change's images in PostgreSQL's text too (<see cref="LogicalTransaction.Images"/>).</param>
    /// <param name="pieceRows">Rows after which a transaction is handed on in pieces rather than held whole.</param>
    public PgOutputReader(LogicalReplicationConnection connection, string slot, string publication, bool messages,
        IReadOnlyDictionary<(string Schema, string Table), Func<string, Func<string, object>?>> converters, bool keepText, int pieceRows)
    {
        _keepText = keepText;
        _pieceRows = pieceRows;
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
        var changes = new List<SourceChange>();
        var images = new List<SourceImages?>();
        var commit = default(NpgsqlLogSequenceNumber);
        await foreach (var message in _connection.StartReplication(new PgOutputReplicationSlot(_slot), _options, cancellationToken, start).ConfigureAwait(false))
        {
            switch (message)
            {
                case BeginMessage b:
                    changes = [];
                    images = [];
                    commit = b.TransactionFinalLsn;
                    break;
                case RelationMessage r:
                    relations[r.RelationId] = Describe(r);
                    break;
                case InsertMessage i:
                    await AddAsync(changes, images, RowChangeKind.Insert, relations[i.Relation.RelationId], null, i.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case FullUpdateMessage u:
                    await AddAsync(changes, images, RowChangeKind.Update, relations[u.Relation.RelationId], u.OldRow, u.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case IndexUpdateMessage u:
                    await AddAsync(changes, images, RowChangeKind.Update, relations[u.Relation.RelationId], u.Key, u.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateMessage u:
                    await AddAsync(changes, images, RowChangeKind.Update, relations[u.Relation.RelationId], null, u.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case FullDeleteMessage d:
                    await AddAsync(changes, images, RowChangeKind.Delete, relations[d.Relation.RelationId], d.OldRow, null, cancellationToken).ConfigureAwait(false);
                    break;
                case KeyDeleteMessage d:
                    await AddAsync(changes, images, RowChangeKind.Delete, relations[d.Relation.RelationId], d.Key, null, cancellationToken).ConfigureAwait(false);
                    break;
                case TruncateMessage t:
                    foreach (var r in t.Relations)
                    {
                        changes.Add(new TruncateChange(r.Namespace, r.RelationName));
                        images.Add(null);
                    }
                    break;
                case CommitMessage c:
                    yield return new LogicalTransaction(changes, c.TransactionCommitTimestamp, c.TransactionEndLsn, Images: _keepText ? images : null, Commit: commit);
                    changes = [];
                    images = [];
                    break;
                case LogicalDecodingMessage m when (m.Flags & 1) == 0:
                    // A message outside any transaction (the task's heartbeat): a safe point to move the checkpoint to.
                    yield return LogicalTransaction.Heartbeat(m.MessageLsn);
                    break;
            }
            if (changes.Count >= _pieceRows)
            {
                // Handed on now; the applier keeps the target transaction open for the rest.
                yield return new LogicalTransaction(changes, default, commit, Images: _keepText ? images : null, Commit: commit, Continues: true);
                changes = [];
                images = [];
            }
        }
    }

    private Relation Describe(RelationMessage relation)
    {
        var converter = _converters.GetValueOrDefault((relation.Namespace, relation.RelationName));
        var names = relation.Columns.Select(c => (string?)c.ColumnName).ToArray();
        return new Relation(relation.Namespace, relation.RelationName, names, names.Select(n => converter?.Invoke(n!)).ToArray());
    }

    private async Task AddAsync(List<SourceChange> changes, List<SourceImages?> images, RowChangeKind kind, Relation relation,
        ReplicationTuple? before, ReplicationTuple? after, CancellationToken cancellationToken)
    {
        var (old, oldText) = before is null ? (null, null) : await ValuesAsync(relation, before, cancellationToken).ConfigureAwait(false);
        var (now, nowText) = after is null ? (null, null) : await ValuesAsync(relation, after, cancellationToken).ConfigureAwait(false);
        if (old is not null && now is not null)
            for (var i = 0; i < now.Length; i++)
                if (now[i] is ColumnNotLogged && old[i] is not ColumnNotLogged and not null)
                {
                    now[i] = old[i];
                    if (nowText is not null) nowText[i] = oldText![i];
                }
        changes.Add(new RowChange(kind, relation.Schema, relation.Table, relation.Columns, old ?? now, now, null));
        images.Add(_keepText ? new SourceImages(Json(relation, oldText ?? nowText), Json(relation, nowText)) : null);
    }

    private async Task<(object?[] Values, string?[]? Text)> ValuesAsync(Relation relation, ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new object?[relation.Columns.Length];
        var texts = _keepText ? new string?[relation.Columns.Length] : null;
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false))
        {
            if (value.IsDBNull) values[i] = null;
            else if (value.IsUnchangedToastedValue) values[i] = ColumnNotLogged.Value;
            else
            {
                var text = await value.Get<string>(cancellationToken).ConfigureAwait(false);
                values[i] = relation.Convert[i] is { } convert ? convert(text) : text;
                if (texts is not null) texts[i] = text;
            }
            i++;
        }
        // An unchanged TOASTed value has no text: it is left out of the JSON image below.
        for (var c = 0; texts is not null && c < values.Length; c++)
            if (values[c] is ColumnNotLogged) texts[c] = Unchanged;
        return (values, texts);
    }

    private static readonly string Unchanged = new("\0unchanged");

    private static string? Json(Relation relation, string?[]? texts)
    {
        if (texts is null) return null;
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < texts.Length; i++)
            {
                if (ReferenceEquals(texts[i], Unchanged)) continue;
                if (texts[i] is { } text) json.WriteString(relation.Columns[i]!, text);
                else json.WriteNull(relation.Columns[i]!);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
