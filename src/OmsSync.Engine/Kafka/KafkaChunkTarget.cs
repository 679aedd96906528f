using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// The snapshot: every row of the task's tables as a message with op "r" (Debezium) or INSERT (Canal). Each chunk is one
/// Kafka transaction with its record in the checkpoint topic, so after a crash a chunk is either wholly in the topics
/// (and skipped on resume) or not at all. Writers have fixed transactional ids, fenced before the chunks are read back.
/// </summary>
/// <param name="shaped">A PostgreSQL source's tables as MySQL would have them: its copy reads values in their MySQL text.</param>
internal sealed class KafkaChunkTarget(KafkaEndpoint endpoint, MigrationTask task, string connector, TaskObjects? shaped) : IChunkTarget
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly KafkaTopics _topics = new(task);
    private readonly MessageFormat _formatKind = task.Kafka?.Format ?? MessageFormat.Debezium;
    private readonly string _connector = connector;
    private int _writers;

    private CheckpointTopic Checkpoints => new(endpoint, _topics);
    private int Writers => Math.Max(1, task.WriteConcurrency);

    public async Task<IReadOnlyList<(string Table, int Chunk, long Rows)>> LoadedChunksAsync(CancellationToken cancellationToken)
    {
        await _topics.EnsureAsync(endpoint, [], withSchema: false, cancellationToken).ConfigureAwait(false);
        // A killed worker's writers: their open transactions are aborted (or their commits completed) before reading.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(n => Task.Run(() =>
        {
            using var producer = endpoint.TransactionalProducer(_topics.CopyProducer(n));
            producer.InitTransactions(Wait);
        }, cancellationToken))).ConfigureAwait(false);
        var records = await Checkpoints.ReadAsync(cancellationToken).ConfigureAwait(false);
        var chunks = new List<(string, int, long)>();
        foreach (var (key, value) in records)
        {
            if (!key.StartsWith("chunk.", StringComparison.Ordinal)) continue;
            var last = key.LastIndexOf('.');
            chunks.Add((key[6..last], int.Parse(key[(last + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                JsonSerializer.Deserialize<ChunkRecord>(value)!.Rows));
        }
        return chunks;
    }

    public async Task ForgetChunksAsync(string sourceTable, CancellationToken cancellationToken)
    {
        var records = await Checkpoints.ReadAsync(cancellationToken).ConfigureAwait(false);
        var keys = records.Keys.Where(k => k.StartsWith(CheckpointTopic.ChunkPrefix(sourceTable), StringComparison.Ordinal)).ToList();
        if (keys.Count == 0) return;
        await Task.Run(() =>
        {
            using var producer = endpoint.TransactionalProducer(_topics.CopyProducer(0));
            producer.InitTransactions(Wait);
            producer.BeginTransaction();
            foreach (var key in keys) producer.Produce(Checkpoints.Partition, Checkpoints.Record(key, null));
            producer.CommitTransaction(Wait);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task RefuseNonEmptyAsync(TableCopyPlan plan, CancellationToken cancellationToken)
    {
        var topic = _topics.Of(plan.Mapping);
        var metadata = await endpoint.MetadataAsync(cancellationToken).ConfigureAwait(false);
        if (metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError) is not { } found) return;
        var held = await Task.Run(() =>
        {
            using var consumer = endpoint.CommittedReader();
            return found.Partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
        }, cancellationToken).ConfigureAwait(false);
        if (held > 0)
            throw new OmsException("TargetTopicNotEmpty", OmsErrorKind.InvalidState, topic,
                $"Topic '{topic}' of task '{task.Name}' holds {held:N0} message(s) already, so a snapshot would follow them. Delete the topic's messages, choose another with -TopicMap, or let the task go on with -NonEmptyTarget Continue.");
    }

    public ChunkBuffer NewBuffer() => new KafkaChunkBuffer(ColumnsOf);

    /// <summary>The plan's columns as messages type them: a PostgreSQL source's as MySQL has them, whose text its copy reads.</summary>
    private IReadOnlyList<ColumnSchema> ColumnsOf(TableCopyPlan plan)
    {
        var mysql = shaped?.Tables.First(t => t.Mapping.Source == plan.Mapping.Source).Schema;
        return mysql is null ? plan.Columns : plan.Columns.Select(c => mysql.Column(c.Name)).ToList();
    }

    public async Task<IChunkWriter> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var number = (Interlocked.Increment(ref _writers) - 1) % Writers;
        var producer = endpoint.TransactionalProducer(_topics.CopyProducer(number));
        try
        {
            await Task.Run(() => producer.InitTransactions(Wait), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            producer.Dispose();
            throw;
        }
        return new Writer(this, producer);
    }

    public Task FinishAsync(IReadOnlyList<TableCopyPlan> plans, CancellationToken cancellationToken) => Task.CompletedTask;

    public Exception Translate(Exception error) => error switch
    {
        KafkaException e when KafkaEndpoint.IsFenced(e.Error) => new Pipeline.TaskPausedException("ProducerFenced", task.Name,
            $"Another worker of task '{task.Name}' now copies to Kafka data source '{endpoint.Name}' (its producer fenced this one); this worker stopped. ({e.Message})"),
        KafkaException e => new OmsException("KafkaWriteFailed", OmsErrorKind.ConnectionFailed, endpoint.Name,
            $"Writing the snapshot to Kafka data source '{endpoint.Name}' failed: {e.Message}. Resume the task (Resume-OmsTask): chunks in Kafka are not copied again.", e),
        _ => error,
    };

    private sealed record ChunkRecord(long Rows);

    private sealed class Writer(KafkaChunkTarget owner, IProducer<byte[], byte[]?> producer) : IChunkWriter
    {
        private readonly IMessageFormat _format = IMessageFormat.For(owner._formatKind);
        private readonly List<KafkaMessage> _messages = new(4);
        private readonly Dictionary<TableCopyPlan, TopicTable> _tables = [];

        public async Task<(long Rows, List<ConflictRecord> Conflicts)> WriteAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer data, CancellationToken cancellationToken)
        {
            if (!_tables.TryGetValue(plan, out var table))
                _tables[plan] = table = new TopicTable(owner._topics.Of(plan.Mapping), plan.Mapping, owner.ColumnsOf(plan).Select((c, i) => (c, i)).ToList(),
                    plan.Source.RowKey?.Columns.Select(k => k.Name).ToList());
            var source = new MessageSource(owner._connector, owner._topics.Prefix, null, null, DateTimeOffset.UtcNow, Snapshot: true);
            var images = ((KafkaChunkBuffer)data).Images;
            await Task.Run(() =>
            {
                producer.BeginTransaction();
                try
                {
                    foreach (var image in images)
                    {
                        _messages.Clear();
                        _format.Row(table, RowChangeKind.Insert, null, image, source, _messages);
                        foreach (var message in _messages) KafkaChangeTarget.Produce(producer, message);
                    }
                    var checkpoints = owner.Checkpoints;
                    producer.Produce(checkpoints.Partition, checkpoints.Record(CheckpointTopic.ChunkKey(plan.Mapping.Source, chunk.Number),
                        JsonSerializer.SerializeToUtf8Bytes(new ChunkRecord(images.Count))));
                    producer.CommitTransaction(Wait);
                }
                catch (KafkaException e) when (!KafkaEndpoint.IsFenced(e.Error))
                {
                    try { producer.AbortTransaction(Wait); } catch (KafkaException) { }
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
            return (images.Count, []);
        }

        public ValueTask DisposeAsync()
        {
            producer.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
