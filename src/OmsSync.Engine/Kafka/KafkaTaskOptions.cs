using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;

namespace OmsSync.Engine.Kafka;

/// <summary>The options of a task with a Kafka target (-MessageFormat, -TopicMap, -TopicPartitions), checked with the task's others.</summary>
internal static class KafkaTaskOptions
{
    /// <summary>The task's Kafka settings, null when its target is not Kafka; problems go to <paramref name="options"/>.</summary>
    public static KafkaSink? Check(TaskOptionReader options, NewTaskRequest request, DataSource? source, DataSource? target, MigrationTypes types)
    {
        if (source?.Kind == DataSourceKind.Kafka)
            options.Fail("KafkaSourceNotSupported", $"Data source '{source.Name}' is Kafka, which can only be a task's target: OmsSync writes change streams to Kafka and reads none.");
        var given = request.MessageFormat is not null || request.TopicMap is not null || request.TopicPartitions is not null;
        if (target is null) return null;
        if (target.Kind != DataSourceKind.Kafka)
        {
            if (given)
                options.Fail("KafkaOptionWithoutKafka", $"-MessageFormat, -TopicMap and -TopicPartitions shape messages to Kafka, but the target '{target.Name}' is {target.Kind}. Leave them out.");
            return null;
        }
        if (request.Topology == Topology.Bidirectional)
            options.Fail("InvalidTopology", $"-Topology Bidirectional needs a target to read changes back from; Kafka data source '{target.Name}' is written to only. Leave -Topology out.");
        if (types.HasFlag(MigrationTypes.Verify))
            options.Fail("InvalidMigrationType", $"Kafka data source '{target.Name}' holds change messages, not rows to compare: leave Verify out of -MigrationType.");
        if (source is { Kind: DataSourceKind.PostgreSql } && request.IncrementalDdl)
            options.Fail("InvalidIncrementalDdl", $"-IncrementalDdl sends a MySQL-family source's DDL to Kafka; '{source.Name}' is PostgreSQL, whose logical decoding carries no DDL. Leave -IncrementalDdl out.");
        if (request.TopicPartitions is < 1 or > 10_000)
            options.Fail("InvalidTopicPartitions", $"-TopicPartitions {request.TopicPartitions} is out of range: give 1 to 10000.");
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in request.TopicMap ?? new Dictionary<string, object?>())
        {
            var topic = value?.ToString();
            if (key.Split('.') is not [{ Length: > 0 }, { Length: > 0 }])
                options.Fail("InvalidTopicMapKey", $"-TopicMap key '{key}' is not 'database.table'. Write @{{ 'shop.orders' = 'orders-cdc' }}.");
            else if (string.IsNullOrWhiteSpace(topic) || topic.Length > 249 || KafkaTopics.Clean(topic) != topic)
                options.Fail("InvalidTopicMapValue", $"-TopicMap value '{topic}' for '{key}' is not a Kafka topic name: use up to 249 letters, digits, '.', '_' and '-'.");
            else
                map[key] = topic;
        }
        return new KafkaSink { Format = request.MessageFormat ?? MessageFormat.Debezium, TopicMap = map, Partitions = request.TopicPartitions ?? 3 };
    }
}
