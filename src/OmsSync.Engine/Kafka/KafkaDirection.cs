using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Postgres;
using OmsSync.Engine.Postgres.Copy;
using OmsSync.Engine.Postgres.Logical;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Kafka;

/// <summary>
/// The phases of a task whose target is Kafka: schema migration makes the topics, the full copy is the snapshot, and the
/// incremental pipeline produces the changes. Values travel in the MySQL family's decoded form either way: a
/// PostgreSQL source's are mapped to the MySQL shape of its tables, as for a MySQL target, so one set of message rules holds.
/// </summary>
internal static class KafkaDirection
{
    public static DirectionPlan Forward(StateStore store, MigrationTask task, DataSource source, string password, KafkaEndpoint kafka, TaskObjects objects,
        ObjectMigration objectMigration, Action<string> log)
    {
        var incremental = task.MigrationTypes.HasFlag(MigrationTypes.Incremental);
        var topics = new KafkaTopics(task);
        Func<CancellationToken, Task> makeTopics = token => topics.EnsureAsync(kafka, objects.Tables.Select(t => topics.Of(t.Mapping)), task.IncrementalDdl, token);
        Func<CancellationToken, Task> nothing = _ => Task.CompletedTask;
        if (source.Kind == DataSourceKind.PostgreSql)
        {
            var shaped = Pairing.MySqlShaped(objects, DataSourceKind.MySql, log);
            var postgres = new PostgresEndpoint(source, password);
            return new DirectionPlan
            {
                // Messages are written from the tables as they would be on MySQL; the copy and the slot read them as they are on PostgreSQL.
                Reading = objects.Tables, Shaped = shaped, MigratesViews = false, Objects = objectMigration,
                CheckSource = token => PreCheck.SourceReadiness.EnsureAsync(postgres, task, objects.Tables, token),
                MigrateSchema = makeTopics, VerifyTarget = makeTopics, CreateDeferredIndexes = nothing, CreateForeignKeys = nothing,
                FullLoad = () => new FullLoadRunner(new PostgresChunkSource(postgres, shaped), new KafkaChunkTarget(kafka, task, "postgresql", shaped),
                    task, new RuntimeStore(store), new ConflictLog(store)),
                Pipeline = incremental ? new ChangePipeline(new PgOutputChangeSource(postgres, task, Direction.Forward, store, log),
                    new KafkaChangeTarget(kafka, task, Direction.Forward, "postgresql"), new KafkaPostgresValues(objects.Tables), null,
                    task, Direction.Forward, store, log) : null,
            };
        }
        var mysql = new MySqlEndpoint(source, password);
        var changes = new BinlogChangeSource(mysql, password, task, Direction.Forward, store, log);
        var target = new KafkaChangeTarget(kafka, task, Direction.Forward, "mysql");
        return new DirectionPlan
        {
            Reading = objects.Tables, Shaped = objects, MigratesViews = false, Objects = objectMigration,
            CheckSource = token => PreCheck.SourceReadiness.EnsureAsync(mysql, task, objects.Tables, token),
            MigrateSchema = makeTopics, VerifyTarget = makeTopics, CreateDeferredIndexes = nothing, CreateForeignKeys = nothing,
            FullLoad = () => new FullLoadRunner(new MySqlChunkSource(mysql), new KafkaChunkTarget(kafka, task, "mysql", null),
                task, new RuntimeStore(store), new ConflictLog(store)),
            Pipeline = incremental ? new ChangePipeline(changes, target, null, task.IncrementalDdl ? () => new KafkaDdlSync(mysql, changes, target, new SchemaHistory(store)) : null,
                task, Direction.Forward, store, log) : null,
        };
    }

    /// <summary>What no task with a Kafka side does.</summary>
    public static void Check(MigrationTask task, DataSource source, DataSource target)
    {
        if (source.Kind == DataSourceKind.Kafka)
            throw new OmsException("KafkaSourceNotSupported", OmsErrorKind.NotSupported, task.Name,
                $"Task '{task.Name}' reads from Kafka data source '{source.Name}'; Kafka can only be a task's target.");
        if (target.Kind != DataSourceKind.Kafka) return;
        if (task.Topology == Topology.Bidirectional)
            throw new OmsException("KafkaBidirectionalNotSupported", OmsErrorKind.NotSupported, task.Name,
                $"Task '{task.Name}' is bidirectional with Kafka data source '{target.Name}'; changes flow to Kafka one way only.");
        if (task.MigrationTypes.HasFlag(MigrationTypes.Verify))
            throw new OmsException("VerificationNotSupported", OmsErrorKind.NotSupported, task.Name,
                $"Task '{task.Name}' verifies data against Kafka data source '{target.Name}', which holds change messages, not rows to compare. Leave Verify out of -MigrationType.");
    }
}
