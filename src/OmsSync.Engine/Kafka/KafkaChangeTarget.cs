using System.Runtime.CompilerServices;
using Confluent.Kafka;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// Kafka as the target of a task direction's changes. A batch of source transactions is one Kafka transaction: its
/// messages and the checkpoint record in the task's checkpoint topic commit together, so a read_committed consumer sees
/// each change exactly once however the worker stops. The direction's producer has a fixed transactional id: starting
/// it fences an older worker's and aborts its open transaction before the checkpoint is read.
/// </summary>
internal sealed class KafkaChangeTarget : IChangeTarget, ITransactionScopedTarget
{
    private readonly ConditionalWeakTable<TableApplyPlan, TopicTable> _tables = new();
    private SourceTransaction? _current;
    private long _messages;

    public KafkaChangeTarget(KafkaEndpoint endpoint, MigrationTask task, Direction direction, string connector)
    {
        Endpoint = endpoint;
        Task = task;
        Direction = direction;
        Connector = connector;
        Topics = new KafkaTopics(task);
        Checkpoints = new CheckpointTopic(endpoint, Topics);
        Format = IMessageFormat.For(task.Kafka?.Format ?? MessageFormat.Debezium);
    }

    public KafkaEndpoint Endpoint { get; }
    public MigrationTask Task { get; }
    public Direction Direction { get; }
    /// <summary>Debezium's name for the kind of source ("mysql", "postgresql").</summary>
    public string Connector { get; }
    public KafkaTopics Topics { get; }
    public CheckpointTopic Checkpoints { get; }
    public IMessageFormat Format { get; }

    public Task<ITargetSession> OpenAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.FromResult<ITargetSession>(new KafkaTargetSession(this));

    // One producer keeps a partition's messages in order: a task direction writes in one lane.
    public Task<int> LanesAsync(ITargetSession first, int writeConcurrency, CancellationToken cancellationToken) => System.Threading.Tasks.Task.FromResult(1);

    public bool IsTransient(Exception error) => KafkaEndpoint.IsTransient(error);

    public bool IsLaneConflict(Exception error) => false;

    public string Statistics => $"{Interlocked.Read(ref _messages):N0} messages produced";

    public void Entering(SourceTransaction transaction) => _current = transaction;

    internal void Produced(int messages) => Interlocked.Add(ref _messages, messages);

    /// <summary>Where the changes written now come from.</summary>
    internal MessageSource CurrentSource() => _current is { } t
        ? new MessageSource(Connector, Topics.Prefix, t.EndPosition.Serialize(), t.Id, t.CommitTime, Snapshot: false)
        : new MessageSource(Connector, Topics.Prefix, null, null, DateTimeOffset.UtcNow, Snapshot: false);

    internal TopicTable TableOf(TableApplyPlan plan) => _tables.GetValue(plan, p => new TopicTable(Topics.Of(p.Table.Mapping), p.Table.Mapping,
        p.Columns.Select((c, i) => (p.ColumnSchemas[i], c.Index)).ToList(), p.HasKey ? p.KeyColumns.Select(k => k.Name).ToList() : null));

    /// <summary>
    /// A producer fenced by a newer one: this worker is not the task's writer any more. It suspends the direction (not a
    /// failure to restart from, which would fence the newer one in turn); what it had not committed was aborted.
    /// </summary>
    internal OmsException Fenced(Exception e) => new TaskPausedException("ProducerFenced", Task.Name,
        $"Another worker of task '{Task.Name}' now writes its {Direction} changes to Kafka data source '{Endpoint.Name}' (its producer fenced this one); " +
        $"this worker stopped without writing more. Leave the task to the other, or stop that one and resume this (Resume-OmsTask). ({e.Message})");

    /// <summary>Produces one message, waiting for room in the producer's queue.</summary>
    internal static void Produce(IProducer<byte[], byte[]?> producer, KafkaMessage message, Action<DeliveryReport<byte[], byte[]?>>? delivered = null)
    {
        var record = new Message<byte[], byte[]?> { Key = message.Key!, Value = message.Value };
        while (true)
        {
            try
            {
                // A keyless row has no partition of its own: its table's messages keep their order in partition 0.
                if (message.Key is null) producer.Produce(new TopicPartition(message.Topic, 0), record, delivered);
                else producer.Produce(message.Topic, record, delivered);
                return;
            }
            catch (ProduceException<byte[], byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
