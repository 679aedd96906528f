using Confluent.Kafka;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// Pre-checks of a task's objects when its target is Kafka: the rules select tables on the source, each table's topic is
/// absent (the task makes it) or has the partitions the task writes to, and rows without a key are named (their
/// messages have no key and keep their order in one partition).
/// </summary>
internal static class KafkaTaskChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(OmsService service, MigrationTask task, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        TaskObjects objects;
        try
        {
            objects = await service.ResolveObjectsAsync(task, cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException e)
        {
            return [RuleChecks.Failed(e, task)];
        }
        results.AddRange(objects.Warnings.Select(w => CheckResult.Warn("ObjectRules", w.Message, w.Rule)));
        results.AddRange(RuleChecks.Unmatched(task, objects));
        if (objects.Tables.Count == 0)
            return [.. results, CheckResult.Fail("ObjectRules", $"The task's rules select no table on '{task.Source}'. Correct -Include with Set-OmsTask.", task.Name)];
        results.Add(CheckResult.Pass("ObjectRules", $"{objects.Tables.Count} table(s) selected; views are not sent to Kafka.", task.Name));

        var target = service.DataSources.Get(task.Target);
        var endpoint = new KafkaEndpoint(target, service.DataSources.GetPassword(target.Name));
        var topics = new KafkaTopics(task);
        Metadata metadata;
        try
        {
            metadata = await endpoint.MetadataAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException e)
        {
            return [.. results, CheckResult.Fail("Connectivity", e.Message, target.Name)];
        }
        var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);
        foreach (var table in objects.Tables)
        {
            var topic = topics.Of(table.Mapping);
            results.Add(existing.TryGetValue(topic, out var partitions)
                ? partitions >= topics.Partitions
                    ? CheckResult.Pass("Topic", $"Topic '{topic}' of table '{table.Mapping.Source}' exists with {partitions} partition(s).", topic)
                    : CheckResult.Fail("Topic", $"Topic '{topic}' of table '{table.Mapping.Source}' has {partitions} partition(s); the task writes to {topics.Partitions}. Add partitions, or lower -TopicPartitions.", topic)
                : CheckResult.Pass("Topic", $"Topic '{topic}' of table '{table.Mapping.Source}' is made when the task starts.", topic));
            if (table.Schema.RowKey is null)
                results.Add(CheckResult.Warn("PrimaryKey",
                    $"Table '{table.Mapping.Source}' has no primary key or NOT NULL unique key: its messages have no key, and all go to partition 0 of '{topic}' to keep their order.", table.Mapping.Source));
        }
        return results;
    }
}
