using Confluent.Kafka;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Kafka;

/// <summary>One Kafka transaction: the messages of a batch's changes, then the checkpoint record, committed together.</summary>
internal sealed class KafkaTargetWrite(KafkaTargetSession session, IProducer<byte[], byte[]?> producer) : ITargetWrite
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly List<KafkaMessage> _messages = new(64);
    private bool _done;

    public Task<long> ApplyAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool idempotent, List<ConflictRecord> conflicts,
        CancellationToken cancellationToken)
    {
        // Messages are appended, never compared with what Kafka holds: a change the copy already carries is sent again,
        // as a consumer of a Debezium topic expects after a snapshot.
        var target = session.Target;
        var source = target.CurrentSource();
        var produced = 0;
        foreach (var (plan, change) in changes)
        {
            _messages.Clear();
            target.Format.Row(target.TableOf(plan), change.Kind, change.Before, change.After, source, _messages);
            foreach (var message in _messages) Produce(message);
            produced += _messages.Count;
        }
        target.Produced(produced);
        return Task.FromResult((long)changes.Count);
    }

    public Task TruncateAsync(TableApplyPlan plan, CancellationToken cancellationToken)
    {
        var target = session.Target;
        Produce(target.Format.Truncate(target.TableOf(plan), target.CurrentSource()));
        return Task.CompletedTask;
    }

    public Task CommitAsync(CheckpointWrite checkpoint, CancellationToken cancellationToken)
    {
        var stored = session.Stored;
        return CommitRecordAsync(new StoredCheckpoint(checkpoint.Position, stored?.CatchUpUntil, (stored?.Transactions ?? 0) + checkpoint.Transactions,
            checkpoint.SourceCommit ?? stored?.SourceCommit), cancellationToken);
    }

    internal async Task CommitRecordAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var target = session.Target;
        try
        {
            producer.Produce(target.Checkpoints.Partition, target.Checkpoints.Record(target.Direction, checkpoint));
            await Task.Run(() => producer.CommitTransaction(Wait), CancellationToken.None).ConfigureAwait(false);
        }
        catch (KafkaException e) when (KafkaEndpoint.IsFenced(e.Error))
        {
            throw target.Fenced(e);
        }
        _done = true;
        session.Stored = checkpoint;
    }

    public Task CommitLaneAsync(LaneProgress progress, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A Kafka target writes in one lane.");

    /// <summary>Adds messages other than row changes (schema-change events) to the transaction.</summary>
    internal void Produce(IEnumerable<KafkaMessage> messages)
    {
        foreach (var message in messages) Produce(message);
    }

    private void Produce(KafkaMessage message)
    {
        try
        {
            KafkaChangeTarget.Produce(producer, message);
        }
        catch (KafkaException e) when (KafkaEndpoint.IsFenced(e.Error))
        {
            throw session.Target.Fenced(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_done) return;
        _done = true;
        try
        {
            await Task.Run(() => producer.AbortTransaction(Wait)).ConfigureAwait(false);
        }
        catch (KafkaException)
        {
            // The producer is fenced or broken: the brokers abort the transaction themselves, and the session is discarded.
        }
    }
}
