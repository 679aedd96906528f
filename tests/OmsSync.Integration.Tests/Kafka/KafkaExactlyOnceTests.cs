using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.Kafka;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Integration.Tests.Incremental;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Kafka;

/// <summary>
/// Exactly once into Kafka, on librdkafka's test server (<see cref="MockKafka"/>): workers killed -9 under a write load,
/// and a producer fenced by a newer one.
/// </summary>
public sealed class KafkaExactlyOnceTests
{
    [Fact]
    public async Task EveryChangeOnceAcrossKillsUnderLoad()
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var target = kafka.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "kfkeo", """
            CREATE TABLE accounts (id INT PRIMARY KEY, n INT NOT NULL);
            INSERT INTO accounts SELECT seq, 0 FROM seq_1_to_200;
            CREATE TABLE ledger (txn INT NOT NULL, account INT NOT NULL, PRIMARY KEY (txn, account));
            """);
        var task = KafkaSinkTests.NewTask(h, target, db, "kfkeo");
        h.Service.StartWorker(task.Name, Direction.Forward);
        await IncrementalTests.WaitForPhaseAsync(h, task.Name, TaskPhase.Incremental);
        var pid = h.Service.Runtime.Get(task.Name, Direction.Forward).WorkerPid!.Value;
        EngineHarness.KillAndReap(pid);
        await EngineHarness.WaitUntilAsync(() => !h.Service.IsWorkerAlive(task.Name, Direction.Forward), TimeSpan.FromSeconds(10), "the worker to die");

        var transactions = 0;
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // Each source transaction counts one account up and appends a ledger row: each (account, n) and each ledger row is one change.
            await using var connection = await TestServers.OpenMySqlAsync(h.Source, db);
            var random = new Random(7);
            while (!stopWriting.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref transactions);
                var account = random.Next(1, 201);
                await using var txn = await connection.BeginTransactionAsync();
                await using var command = new MySqlCommand($"UPDATE accounts SET n = n + 1 WHERE id = {account}; INSERT INTO ledger VALUES ({n}, {account});", connection, txn);
                await command.ExecuteNonQueryAsync();
                await txn.CommitAsync();
            }
        });
        await h.KillRepeatedlyAsync(task.Name, times: Kills, seed: 11);
        await Task.Delay(1000);
        stopWriting.Cancel();
        await writer;
        Assert.True(transactions > 100, $"only {transactions} source transactions were written");

        var ledger = await KafkaSinkTests.WaitForMessagesAsync(h, kafka, task.Name, $"{task.Name}.{db}.ledger", transactions, r => r.Op == "c", seconds: 180);
        var created = ledger.Where(r => r.Op == "c").Select(r => r.After!.Value.GetProperty("txn").GetInt32()).ToList();
        // Every change is there, once but for what MockKafka shows of transactions a kill cut short (a broker aborts them):
        // at most one batch in flight per kill.
        Assert.Equal(Enumerable.Range(1, transactions), created.Distinct().Order());
        Assert.InRange(created.Count - transactions, 0, Kills * MaxTransactionsPerBatch);
        var accounts = kafka.ReadCommitted($"{task.Name}.{db}.accounts").Where(r => r.Op == "u").ToList();
        Assert.InRange(accounts.Count - transactions, 0, Kills * MaxTransactionsPerBatch);
        // Each account's updates are in its one partition, in order: n counts 1, 2, 3 ... (a cut-short run repeated where it was cut).
        foreach (var account in accounts.GroupBy(r => r.Key))
        {
            Assert.Single(account.Select(r => r.Partition).Distinct());
            Assert.Equal(Enumerable.Range(1, account.Select(r => r.After!.Value.GetProperty("n").GetInt32()).Distinct().Count()),
                account.OrderBy(r => r.Offset).Select(r => r.After!.Value.GetProperty("n").GetInt32()).Distinct());
        }
        Assert.Equal(transactions, accounts.Select(r => (r.Key, r.After!.Value.GetProperty("n").GetInt32())).Distinct().Count());
    }

    private const int Kills = 4;
    private const int MaxTransactionsPerBatch = 2_000;

    [Fact]
    public async Task ASnapshotKilledMidwayResumesWithTheChunksNotIn()
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var target = kafka.Register(h);
        var db = await h.CreateDatabaseAsync(h.Source, "kfksnap", """
            CREATE TABLE big (id BIGINT PRIMARY KEY, note VARCHAR(100));
            INSERT INTO big SELECT seq, CONCAT('row ', seq, REPEAT('.', seq % 60)) FROM seq_1_to_60000;
            """);
        var task = KafkaSinkTests.NewTask(h, target, db, "kfksnap", configure: t => t with
        {
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full, ChunkRows = 2_000, RowsPerSecond = 15_000, AutoRestart = false,
        });
        await h.KillDuringFullLoadAsync(task.Name, chunks: 3);
        await h.ResumeToCompletionAsync(task);
        var rows = kafka.ReadCommitted($"{task.Name}.{db}.big");
        var ids = rows.Select(r => r.After!.Value.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(60_000, ids.Distinct().Count());
        Assert.All(rows, r => Assert.Equal("r", r.Op));
        // Once each but for what MockKafka shows of the chunks the kill cut short (a broker aborts them): one per writer.
        Assert.InRange(ids.Count - 60_000, 0, task.WriteConcurrency * 2_000);
        // The resumed copy skipped the chunks the killed one committed: far fewer rows than two whole copies.
        Assert.True(ids.Count < 60_000 + 4 * 2_000, $"{ids.Count} rows");
    }

    /// <summary>
    /// What librdkafka's test server lacks, which the tests above allow for: a read_committed consumer sees the messages of an
    /// aborted transaction (a broker hides them). Should a later librdkafka hide them, this fails, and the allowance can go.
    /// </summary>
    [Fact]
    public void MockKafkaShowsAbortedTransactions()
    {
        using var kafka = new MockKafka();
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = kafka.Bootstrap, TransactionalId = "probe" })
                   .SetLogHandler((_, _) => { }).Build())
        {
            producer.InitTransactions(TimeSpan.FromSeconds(10));
            producer.BeginTransaction();
            producer.Produce(new Confluent.Kafka.TopicPartition("probe", 0), new() { Key = [1], Value = "{}"u8.ToArray() });
            producer.Flush(TimeSpan.FromSeconds(10));
            producer.AbortTransaction(TimeSpan.FromSeconds(10));
        }
        Assert.Single(kafka.ReadCommitted("probe"));
    }

    /// <summary>
    /// A newer worker's producer fences the older one: the older stops (not retried) with a stable error id. librdkafka's
    /// test server does not check producer epochs, so the fencing errors are the librdkafka ones a real broker causes.
    /// </summary>
    [Theory]
    [InlineData(Confluent.Kafka.ErrorCode.Local_Fenced)]
    [InlineData(Confluent.Kafka.ErrorCode.ProducerFenced)]
    [InlineData(Confluent.Kafka.ErrorCode.InvalidProducerEpoch)]
    public async Task AFencedProducerStopsWithoutRetrying(Confluent.Kafka.ErrorCode code)
    {
        await using var h = EngineHarness.Create();
        using var kafka = new MockKafka();
        var name = kafka.Register(h);
        var task = h.AddTask(new MigrationTask { Name = "fence-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = name, Include = ["x.*"] });
        var target = new KafkaChangeTarget(new KafkaEndpoint(h.Service.DataSources.Get(name), ""), task, Direction.Forward, "mysql");
        var error = new Confluent.Kafka.KafkaException(new Confluent.Kafka.Error(code));
        Assert.False(target.IsTransient(error));
        var fenced = target.Fenced(error);
        Assert.Equal("ProducerFenced", fenced.ErrorId);
        Assert.IsType<TaskPausedException>(fenced); // the worker suspends the direction, and no restart fences the newer one
        Assert.False(target.IsTransient(fenced));
        // A transient broker error is retried from the checkpoint instead.
        Assert.True(target.IsTransient(new Confluent.Kafka.KafkaException(new Confluent.Kafka.Error(Confluent.Kafka.ErrorCode.Local_Transport))));
    }
}
