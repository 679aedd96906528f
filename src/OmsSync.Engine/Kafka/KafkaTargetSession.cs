using Confluent.Kafka;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Kafka;

/// <summary>A session on Kafka: the direction's transactional producer, started (and so fencing older ones) when first needed.</summary>
internal sealed class KafkaTargetSession(KafkaChangeTarget target) : ITargetSession
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private IProducer<byte[], byte[]?>? _producer;
    private StoredCheckpoint? _stored;

    internal KafkaChangeTarget Target => target;
    internal StoredCheckpoint? Stored { get => _stored; set => _stored = value; }

    internal async Task<IProducer<byte[], byte[]?>> ProducerAsync(CancellationToken cancellationToken)
    {
        if (_producer is not null) return _producer;
        var producer = target.Endpoint.TransactionalProducer(target.Topics.StreamProducer(target.Direction));
        try
        {
            await Task.Run(() => producer.InitTransactions(Wait), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            producer.Dispose();
            throw;
        }
        return _producer = producer;
    }

    public Task EnsureControlSchemaAsync(CancellationToken cancellationToken) =>
        target.Topics.EnsureAsync(target.Endpoint, [], withSchema: target.Task.IncrementalDdl, cancellationToken);

    public async Task<StoredCheckpoint?> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        await target.Topics.EnsureAsync(target.Endpoint, [], withSchema: false, cancellationToken).ConfigureAwait(false);
        // Fencing first: a killed worker's transaction is aborted, or its commit completed, before the checkpoint is read.
        await ProducerAsync(cancellationToken).ConfigureAwait(false);
        var records = await target.Checkpoints.ReadAsync(cancellationToken).ConfigureAwait(false);
        return _stored = CheckpointTopic.Checkpoint(records, target.Direction);
    }

    public Task WriteStartAsync(string position, CancellationToken cancellationToken) =>
        WriteCheckpointAsync(new StoredCheckpoint(position, null, 0, null), cancellationToken);

    public async Task SetCatchUpAsync(string until, CancellationToken cancellationToken)
    {
        var stored = _stored ?? await ReadCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The checkpoint is written before the end of the copy.");
        await WriteCheckpointAsync(stored with { CatchUpUntil = until }, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var write = (KafkaTargetWrite)await BeginAsync(false, cancellationToken).ConfigureAwait(false);
        await write.CommitRecordAsync(checkpoint, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<LaneProgress>> ReadLanesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LaneProgress>>([]);

    // Messages carry the source's commit time; no conflict compares the two clocks.
    public Task<TimeSpan> ClockOffsetAsync(CancellationToken cancellationToken) => Task.FromResult(TimeSpan.Zero);

    public async Task<ITargetWrite> BeginAsync(bool parallel, CancellationToken cancellationToken)
    {
        var producer = await ProducerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            producer.BeginTransaction();
        }
        catch (KafkaException e) when (KafkaEndpoint.IsFenced(e.Error))
        {
            throw target.Fenced(e);
        }
        return new KafkaTargetWrite(this, producer);
    }

    public ValueTask DisposeAsync()
    {
        _producer?.Dispose();
        _producer = null;
        return ValueTask.CompletedTask;
    }
}
