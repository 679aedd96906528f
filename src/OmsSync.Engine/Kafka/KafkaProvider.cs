using Confluent.Kafka;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// A Kafka cluster as OmsSync meets it: a target only, which holds messages and no tables. What a task keeps there is its
/// topics and, in its checkpoint topic, its position and copied chunks.
/// </summary>
internal sealed class KafkaProvider(KafkaEndpoint endpoint) : IProvider
{
    public DataSource Source => endpoint.Source;

    public async Task ConnectAsync(CancellationToken cancellationToken) => await endpoint.MetadataAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Reachable brokers; as a target, that topics can be made (checked without making one) and that transactions are allowed.</summary>
    public async Task<IReadOnlyList<CheckResult>> TestAsync(DataSourceRole role, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        Metadata metadata;
        try
        {
            metadata = await endpoint.MetadataAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException e)
        {
            return [CheckResult.Fail("Connectivity", e.Message, Source.Name)];
        }
        results.Add(CheckResult.Pass("Connectivity", $"{metadata.Brokers.Count} broker(s) answer at {endpoint.Bootstrap}.", Source.Name));
        if ((role & (DataSourceRole.Source | DataSourceRole.IncrementalSource | DataSourceRole.ReverseTarget)) != 0)
            results.Add(CheckResult.Fail("KafkaRole", $"Kafka data source '{Source.Name}' can only be a task's target: OmsSync writes change streams to Kafka, and reads none.", Source.Name));
        if (!role.HasFlag(DataSourceRole.Target)) return results;
        var creation = await CheckAsync("TopicCreation", "topics can be created", async () =>
        {
            using var admin = endpoint.Admin();
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "omssync-precheck", NumPartitions = 1, ReplicationFactor = 1 }],
                new Confluent.Kafka.Admin.CreateTopicsOptions { ValidateOnly = true, RequestTimeout = TimeSpan.FromSeconds(5) }).ConfigureAwait(false);
        }, e => e is Confluent.Kafka.Admin.CreateTopicsException c && c.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists)).ConfigureAwait(false);
        results.Add(creation.Status == CheckStatus.Fail && creation.Message.Contains("controller", StringComparison.OrdinalIgnoreCase)
            ? CheckResult.Warn("TopicCreation", $"Kafka data source '{Source.Name}' has no controller answering the admin API: the task's topics are made by the brokers' " +
                                                "auto.create.topics.enable (with the brokers' default partitions), or must exist.", Source.Name)
            : creation);
        results.Add(await CheckAsync("Transactions", "transactions are allowed", () => Task.Run(() =>
        {
            using var producer = endpoint.TransactionalProducer($"omssync-precheck-{Guid.NewGuid():N}");
            producer.InitTransactions(TimeSpan.FromSeconds(20));
            producer.BeginTransaction();
            producer.AbortTransaction(TimeSpan.FromSeconds(20));
        }, cancellationToken), _ => false).ConfigureAwait(false));
        return results;
    }

    private async Task<CheckResult> CheckAsync(string check, string what, Func<Task> probe, Func<Exception, bool> passesAnyway)
    {
        try
        {
            await probe().ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException && !passesAnyway(e))
        {
            return CheckResult.Fail(check, $"On Kafka data source '{Source.Name}' {what.Replace(" are ", " are not ").Replace(" can ", " cannot ")}: {e.Message}", Source.Name);
        }
        catch (KafkaException)
        {
        }
        return CheckResult.Pass(check, $"On Kafka data source '{Source.Name}' {what}.", Source.Name);
    }

    public Task<T> ReadSchemaAsync<T>(Func<ISchemaSource, Task<T>> read, CancellationToken cancellationToken) => throw TargetOnly();

    /// <summary>Deletes the direction's checkpoint record (a tombstone in the checkpoint topic), so its next start records a new one.</summary>
    public async Task ForgetCheckpointAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken)
    {
        var topics = new KafkaTopics(task);
        await topics.EnsureAsync(endpoint, [], withSchema: false, cancellationToken).ConfigureAwait(false);
        var checkpoints = new CheckpointTopic(endpoint, topics);
        await Task.Run(() =>
        {
            using var producer = endpoint.TransactionalProducer(topics.StreamProducer(direction));
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            producer.Produce(checkpoints.Partition, checkpoints.Record(CheckpointTopic.CheckpointKey(direction), null));
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task ReleaseChangeSourceAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deletes the task's checkpoint topic; its table topics stay for their consumers.</summary>
    public async Task ForgetTaskAsync(MigrationTask task, CancellationToken cancellationToken)
    {
        var topic = new KafkaTopics(task).Checkpoints;
        using var admin = endpoint.Admin();
        try
        {
            await admin.DeleteTopicsAsync([topic], new Confluent.Kafka.Admin.DeleteTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(5) }).ConfigureAwait(false);
        }
        catch (Confluent.Kafka.Admin.DeleteTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.UnknownTopicOrPart))
        {
        }
        catch (KafkaException e)
        {
            throw new OmsException("TopicNotDeleted", OmsErrorKind.ConnectionFailed, topic,
                $"The checkpoint topic '{topic}' of task '{task.Name}' was not deleted from Kafka data source '{Source.Name}': {e.Message}. Delete it by hand; the task's table topics stay.", e);
        }
    }

    public IObjectSource ObjectSource() => throw TargetOnly();

    public IObjectTarget ObjectTarget(MigrationTask task) => new NoObjects();

    public IVerificationSide Verification => throw NoVerification();

    public IRepairTarget Repairs => throw NoVerification();

    private OmsException TargetOnly() => new("DataSourceKindNotSupported", OmsErrorKind.NotSupported, Source.Name,
        $"Kafka data source '{Source.Name}' holds messages, not tables: it can only be a task's target.");

    private OmsException NoVerification() => new("VerificationNotSupported", OmsErrorKind.NotSupported, Source.Name,
        $"Kafka data source '{Source.Name}' holds change messages, not rows to compare: data verification does not run against Kafka.");

    /// <summary>Kafka takes none of the objects beyond tables.</summary>
    private sealed class NoObjects : IObjectTarget
    {
        public string? Refusal(StoredObject source) => "Kafka holds change messages only";
        public Task CreateWithSchemaAsync(ObjectPlan plan, bool beforeTables, OperationNotes notes, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task AddVersioningAsync(IReadOnlyList<TaskTable> tables, OperationNotes notes, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task CreateProgramsAsync(ObjectPlan plan, OperationNotes notes, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task MoveCountersAsync(IReadOnlyList<TaskTable> tables, IReadOnlyDictionary<string, long> nextIds, ObjectPlan plan, OperationNotes notes,
            CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
