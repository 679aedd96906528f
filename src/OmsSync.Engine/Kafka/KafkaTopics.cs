using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// The topics of a task: one per table, "&lt;prefix&gt;.&lt;database&gt;.&lt;table&gt;" under the target names the rename rules
/// give (-TopicMap chooses others), the schema topic "&lt;prefix&gt;.schema-changes", and the compacted checkpoint topic
/// "&lt;prefix&gt;.omssync-checkpoints" that holds the task's position and copied chunks; the prefix is the task's (first) name.
/// </summary>
internal sealed class KafkaTopics
{
    private readonly MigrationTask _task;
    private readonly KafkaSink _sink;

    public KafkaTopics(MigrationTask task)
    {
        _task = task;
        _sink = task.Kafka ?? new KafkaSink();
        // A renamed task keeps writing to the topics it began with.
        Prefix = Clean(_sink.TopicPrefix ?? task.ServerName);
    }

    public string Prefix { get; }
    public int Partitions => _sink.Partitions;
    public string Checkpoints => $"{Prefix}.omssync-checkpoints";
    public string Schema => $"{Prefix}.schema-changes";

    /// <summary>The topic of a table of the task (by its mapping: the source name chooses a mapped topic, the target names the default).</summary>
    public string Of(TableMapping mapping) =>
        _sink.TopicMap.FirstOrDefault(m => string.Equals(m.Key, mapping.Source, StringComparison.OrdinalIgnoreCase)).Value is { } mapped
            ? mapped
            : $"{Prefix}.{Clean(mapping.TargetDatabase)}.{Clean(mapping.TargetTable)}";

    /// <summary>The transactional id of the task direction's change stream; a newer worker's producer fences an older one's.</summary>
    public string StreamProducer(Direction direction) => $"omssync.{_task.Id ?? _task.Name}.{direction}";

    /// <summary>The transactional id of the full copy's writer <paramref name="number"/>.</summary>
    public string CopyProducer(int number) => $"omssync.{_task.Id ?? _task.Name}.full.{number}";

    /// <summary>A topic name's characters: letters, digits, '.', '_' and '-'; anything else becomes '_'.</summary>
    public static string Clean(string name)
    {
        var clean = new StringBuilder(name.Length);
        foreach (var c in name) clean.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return clean.ToString();
    }

    /// <summary>
    /// Creates the topics that are missing (table and schema topics with the task's partitions, the checkpoint topic
    /// compacted with one); an existing table topic with fewer partitions is refused, since the task counts on them.
    /// </summary>
    public async Task EnsureAsync(KafkaEndpoint endpoint, IEnumerable<string> tableTopics, bool withSchema, CancellationToken cancellationToken)
    {
        var metadata = await endpoint.MetadataAsync(cancellationToken).ConfigureAwait(false);
        var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);
        var brokers = Math.Max(1, metadata.Brokers.Count);
        var replication = (short)Math.Min(3, brokers);
        var wanted = new List<TopicSpecification>();
        if (!existing.ContainsKey(Checkpoints))
            wanted.Add(new TopicSpecification
            {
                Name = Checkpoints, NumPartitions = 1, ReplicationFactor = replication,
                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
            });
        foreach (var topic in tableTopics.Concat(withSchema ? [Schema] : []).Distinct(StringComparer.Ordinal))
        {
            if (existing.TryGetValue(topic, out var partitions))
            {
                if (partitions < Partitions && topic != Schema)
                    throw new OmsException("TopicPartitionsTooFew", OmsErrorKind.InvalidState, topic,
                        $"Topic '{topic}' exists with {partitions} partition(s); task '{_task.Name}' writes to {Partitions}. Add partitions to the topic, or lower the task's -TopicPartitions.");
                continue;
            }
            wanted.Add(new TopicSpecification { Name = topic, NumPartitions = topic == Schema ? 1 : Partitions, ReplicationFactor = replication });
        }
        if (wanted.Count == 0) return;
        using var admin = endpoint.Admin();
        try
        {
            await admin.CreateTopicsAsync(wanted, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(5) }).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another worker made them in between.
        }
        catch (CreateTopicsException e)
        {
            var failed = e.Results.First(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists));
            throw NotCreated(endpoint, failed.Topic, failed.Error.Reason, e);
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_TimedOut)
        {
            // No controller answers the admin API (some proxies and test clusters): the brokers make topics when asked for them.
            await AutoCreateAsync(endpoint, wanted.Select(w => w.Name).ToList(), e, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AutoCreateAsync(KafkaEndpoint endpoint, IReadOnlyList<string> topics, Exception why, CancellationToken cancellationToken)
    {
        using var admin = endpoint.Admin();
        foreach (var topic in topics)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var found = await Task.Run(() => admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single(), cancellationToken).ConfigureAwait(false);
                if (found.Error.Code == ErrorCode.NoError && found.Partitions.Count > 0)
                {
                    if (found.Partitions.Count < Partitions && topic != Schema && topic != Checkpoints)
                        throw new OmsException("TopicPartitionsTooFew", OmsErrorKind.InvalidState, topic,
                            $"Topic '{topic}' was made by the brokers with {found.Partitions.Count} partition(s); task '{_task.Name}' writes to {Partitions}. Create it with enough partitions, or lower the task's -TopicPartitions.");
                    break;
                }
                if (DateTime.UtcNow > deadline) throw NotCreated(endpoint, topic, $"the admin API failed ({why.Message}) and the brokers do not create topics on demand", why);
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static OmsException NotCreated(KafkaEndpoint endpoint, string topic, string reason, Exception inner) =>
        new("TopicNotCreated", OmsErrorKind.PermissionDenied, topic,
            $"Topic '{topic}' could not be created on Kafka data source '{endpoint.Name}': {reason}. Create it, or grant the user CREATE on the cluster.", inner);
}
