using OmsSync.Engine.Changes;
using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Bidirectional;

/// <summary>Helpers of the bidirectional tests: starting both directions, waiting for equality, and auditing a server's binlog.</summary>
internal static class BidirectionalHarness
{
    /// <summary>A bidirectional task of every table of <paramref name="db"/> on the first server, renamed <paramref name="target"/> on the second, copied first.</summary>
    public static MigrationTask NewTask(EngineHarness h, string db, string target, IReadOnlyList<Engine.Conflicts.ConflictRule>? rules = null, string prefix = "bidi") =>
        h.AddTask(new MigrationTask
        {
            Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
            Topology = Topology.Bidirectional,
            ConflictRules = rules ?? [],
        });

    /// <param name="restarting">A worker was killed: its Failed status lasts until the supervisor starts a new one.</param>
    public static async Task WaitForIncrementalAsync(EngineHarness h, string task, Direction direction, bool restarting = false)
    {
        try
        {
            await EngineHarness.WaitUntilAsync(() =>
            {
                var s = h.Service.Status(task, direction);
                if (s.Status is TaskStatus.Failed && !restarting) throw new InvalidOperationException($"{direction} failed: {s.Message}\n{Log(h, task, direction)}");
                return s.Phase == TaskPhase.Incremental && s.Status == TaskStatus.Running && h.Service.IsWorkerAlive(task, direction);
            }, TimeSpan.FromSeconds(90), $"{direction} in its incremental phase");
        }
        catch (TimeoutException e)
        {
            // Say where the direction stands and what its worker wrote, so that a failure can be read from the test's output.
            var s = h.Service.Status(task, direction);
            var log = Log(h, task, direction);
            throw new TimeoutException($"{e.Message} It is {s.Status} in {s.Phase} (worker alive: {h.Service.IsWorkerAlive(task, direction)}): {s.Message}\n" +
                                       $"worker log, last part:\n{log[Math.Max(0, log.Length - 6000)..]}", e);
        }
    }

    /// <summary>Starts the forward direction, waits for its incremental phase, then starts the reverse one.</summary>
    public static async Task StartBothAsync(EngineHarness h, string task)
    {
        h.Service.StartWorker(task, Direction.Forward);
        await WaitForIncrementalAsync(h, task, Direction.Forward);
        h.Service.StartWorker(task, Direction.Reverse);
        await WaitForIncrementalAsync(h, task, Direction.Reverse);
    }

    public static string Log(EngineHarness h, string task, Direction direction) =>
        File.Exists(h.Service.Home.WorkerLog(task, direction)) ? File.ReadAllText(h.Service.Home.WorkerLog(task, direction)) : "(no log)";

    /// <summary>Waits until each table reads the same on both servers.</summary>
    public static async Task WaitForEqualAsync(EngineHarness h, string task, string sourceDb, string targetDb, params (string Table, string Order)[] tables)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var equal = true;
            foreach (var (table, order) in tables)
                equal &= (await TableSnapshot.ReadAsync(h.Source, sourceDb, table, order)).SequenceEqual(await TableSnapshot.ReadAsync(h.Target, targetDb, table, order));
            if (equal) return;
            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine($"forward log:\n{Log(h, task, Direction.Forward)}\nreverse log:\n{Log(h, task, Direction.Reverse)}");
                foreach (var (table, order) in tables)
                    Assert.Equal(await TableSnapshot.ReadAsync(h.Source, sourceDb, table, order), await TableSnapshot.ReadAsync(h.Target, targetDb, table, order));
            }
            await Task.Delay(300);
        }
    }

    public static async Task<BinlogPosition> PositionAsync(ServerAddress server)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server);
        await using var command = new MySqlCommand("SHOW MASTER STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new BinlogPosition(reader.GetString(0), Convert.ToInt64(reader.GetValue(1)), null, BinlogServerFlavor.MariaDb);
    }

    /// <summary>
    /// Where a transaction ends in a MariaDB binlog, found by its GTID after <paramref name="from"/>: the end of the event
    /// that commits it. Other tests write to the same server, so the server's present position is not that end.
    /// </summary>
    public static async Task<BinlogPosition> EndOfAsync(ServerAddress server, string gtid, BinlogPosition from)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server);
        await using var command = new MySqlCommand($"SHOW BINLOG EVENTS IN '{from.File}' FROM {from.Position}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var inside = false;
        while (await reader.ReadAsync())
        {
            var (type, info, end) = (reader.GetString(2), reader.GetString(5), Convert.ToInt64(reader.GetValue(4)));
            if (type == "Gtid") inside = info.EndsWith("GTID " + gtid, StringComparison.Ordinal);
            else if (inside && type is "Xid" or "Query" && (type == "Xid" || info == "COMMIT")) return new BinlogPosition(from.File, end, null, BinlogServerFlavor.MariaDb);
        }
        throw new InvalidOperationException($"Transaction {gtid} was not found in {from.File} after {from.Position}.");
    }

    /// <summary>What a server's binlog holds for one database between two positions, sorted by who wrote it.</summary>
    public sealed record Audit(int UnmarkedTransactions, long UnmarkedRows, int ForwardMarked, long ForwardRows, int ReverseMarked, long ReverseRows);

    public static async Task<Audit> AuditAsync(ServerAddress server, string database, string task, BinlogPosition from, BinlogPosition to)
    {
        var options = new BinlogConnectionOptions
        {
            Host = server.Host, Port = server.Port, User = TestServers.User, Password = TestServers.Password,
            ServerId = (uint)(90_000 + Random.Shared.Next(10_000)), HeartbeatInterval = TimeSpan.FromSeconds(1), TlsMode = BinlogTlsMode.Disabled,
        };
        var reader = new BinlogTransactionReader(options, new InformationSchemaProvider(options),
            (db, table) => db == database || (db == "oms" && table == "checkpoints"));
        int unmarked = 0, forward = 0, reverse = 0;
        long unmarkedRows = 0, forwardRows = 0, reverseRows = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var transaction in reader.ReadAsync(BinlogStartPosition.FromFile(from.File, from.Position, null), timeout.Token))
        {
            var reached = string.CompareOrdinal(transaction.BinlogEnd().File, to.File) > 0
                || transaction.BinlogEnd().File == to.File && transaction.BinlogEnd().Position >= to.Position;
            if (!transaction.IsHeartbeat)
            {
                var rows = transaction.Changes.OfType<RowChange>().Count(r => r.Database == database);
                var marker = transaction.Changes.OfType<RowChange>()
                    .Where(r => r.Database == "oms" && r.Table == "checkpoints")
                    .Select(r => (r.After ?? r.Before)!)
                    .Where(image => image[0]?.ToString() == task)
                    .Select(image => image[1]?.ToString()?.Split('/')[0]).FirstOrDefault(); // lanes write "Forward/1of2"
                if (rows > 0 && marker is null) { unmarked++; unmarkedRows += rows; }
                else if (rows > 0 && marker == "Forward") { forward++; forwardRows += rows; }
                else if (rows > 0 && marker == "Reverse") { reverse++; reverseRows += rows; }
            }
            if (reached) break;
        }
        return new Audit(unmarked, unmarkedRows, forward, forwardRows, reverse, reverseRows);
    }
}
