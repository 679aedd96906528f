using System.Text;
using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.Ddl;

/// <summary>Helpers of the DDL synchronization tests: tasks with DDL on, a concurrent writer, and comparing tables by rows and by shape.</summary>
internal static class DdlTestKit
{
    public static MigrationTask NewTask(EngineHarness h, string db, string target, string prefix, Func<MigrationTask, MigrationTask>? configure = null)
    {
        h.Track(h.Target, target);
        var task = new MigrationTask
        {
            Name = prefix + "-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
            IncrementalDdl = true,
        };
        return h.AddTask(configure is null ? task : configure(task));
    }

    public static async Task StartAsync(EngineHarness h, MigrationTask task)
    {
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForPhaseAsync(h, task.Name);
    }

    public static Task WaitForPhaseAsync(EngineHarness h, string task) =>
        EngineHarness.WaitUntilAsync(() =>
        {
            var s = h.Service.Status(task, Direction.Forward);
            if (s.Status is TaskStatus.Failed or TaskStatus.Suspended) throw new InvalidOperationException($"task {s.Status}: {s.Message}\n{Log(h, task)}");
            return s.Phase == TaskPhase.Incremental && s.Status == TaskStatus.Running && h.Service.IsWorkerAlive(task, Direction.Forward);
        }, TimeSpan.FromSeconds(60), "the incremental phase");

    public static Task WaitForPauseAsync(EngineHarness h, string task) =>
        EngineHarness.WaitUntilAsync(() =>
        {
            var s = h.Service.Status(task, Direction.Forward);
            if (s.Status is TaskStatus.Failed) throw new InvalidOperationException($"task failed: {s.Message}\n{Log(h, task)}");
            return s.Status == TaskStatus.Suspended && !h.Service.IsWorkerAlive(task, Direction.Forward);
        }, TimeSpan.FromSeconds(60), "the task to pause");

    public static string Log(EngineHarness h, string task, Direction direction = Direction.Forward) =>
        File.Exists(h.Service.Home.WorkerLog(task, direction)) ? File.ReadAllText(h.Service.Home.WorkerLog(task, direction)) : "(no log)";

    public static Task ExecAsync(EngineHarness h, string db, string sql) => TestServers.ExecuteAsync(h.Source, sql, db);

    /// <summary>
    /// Waits until each table holds the same rows on both sides and has the same shape (columns, keys, checks,
    /// options); pairs are (source table, target table, ORDER BY).
    /// </summary>
    public static async Task WaitForSameAsync(EngineHarness h, string task, string db, string target, params (string Source, string Target, string Order)[] tables)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var same = true;
            try
            {
                foreach (var (source, copy, order) in tables)
                    same = same && await ShapeAsync(h.Source, db, source) == await ShapeAsync(h.Target, target, copy)
                                && (await TableSnapshot.ReadAsync(h.Source, db, source, order)).SequenceEqual(await TableSnapshot.ReadAsync(h.Target, target, copy, order));
            }
            catch (Exception e) when (e is MySqlException or InvalidOperationException && DateTime.UtcNow < deadline)
            {
                same = false; // a table may not be there yet (ShapeAsync throws InvalidOperationException for it)
            }
            if (same) return;
            var state = h.Service.Status(task, Direction.Forward);
            if (DateTime.UtcNow > deadline || state.Status is TaskStatus.Failed or TaskStatus.Suspended)
            {
                var differences = new List<string>();
                foreach (var (source, copy, order) in tables)
                {
                    try
                    {
                        if (await ShapeAsync(h.Source, db, source) != await ShapeAsync(h.Target, target, copy)) differences.Add($"{source}: shapes differ");
                        var (rows, copied) = (await TableSnapshot.ReadAsync(h.Source, db, source, order), await TableSnapshot.ReadAsync(h.Target, target, copy, order));
                        if (!rows.SequenceEqual(copied))
                            differences.Add($"{source}: source has {string.Join(" ", rows.Except(copied).Take(5))}, target {string.Join(" ", copied.Except(rows).Take(5))}");
                    }
                    catch (InvalidOperationException e)
                    {
                        differences.Add($"{source}: {e.Message}"); // a table missing on one side: the task's state below says why
                    }
                }
                Assert.Fail($"not the same ({string.Join("; ", differences)}); task {state.Status}: {state.Message}\nworker log of {task}:\n{Log(h, task)}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>A table's shape as text, without its name: columns, keys, checks, engine, charset, comment and partitioning.</summary>
    public static async Task<string> ShapeAsync(ServerAddress server, string database, string table)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server);
        var schema = await new MySqlSchemaReader(connection).ReadTableAsync(database, table) ?? throw new InvalidOperationException($"{database}.{table} does not exist on {server}");
        var text = new StringBuilder();
        foreach (var c in schema.Columns.OrderBy(c => c.Ordinal))
            text.Append($"{c.Name} {c.ColumnType} {(c.Nullable ? "NULL" : "NOT NULL")} default={c.DefaultSql} {c.Charset} {c.Collation} {c.GenerationExpression}\n");
        foreach (var i in schema.Indexes.OrderBy(i => i.Name))
            text.Append($"{i.Kind} {i.Name} ({string.Join(",", i.Columns.Select(c => c.Name + c.PrefixLength))})\n");
        foreach (var c in schema.Checks.OrderBy(c => c.Name)) text.Append($"CHECK {c.Name} {c.Expression}\n");
        text.Append($"{schema.Engine} {schema.Collation} {schema.Comment} {schema.ExtraOptions}");
        return text.ToString();
    }

    public static async Task<bool> ExistsAsync(ServerAddress server, string database, string table) =>
        Convert.ToInt64(await TestServers.ScalarAsync(server,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{database}' AND TABLE_NAME = '{table}'")) > 0;

    /// <summary>A writer that keeps inserting and updating rows of a table (through the columns every DDL of the test leaves) until stopped.</summary>
    public sealed class Writer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;

        public Writer(ServerAddress server, string db, string table, int firstId)
        {
            _task = Task.Run(async () =>
            {
                await using var connection = await TestServers.OpenMySqlAsync(server, db);
                var id = firstId;
                var random = new Random(firstId);
                while (!_stop.IsCancellationRequested)
                {
                    await using var command = new MySqlCommand(
                        $"INSERT INTO `{table}` (id, v) VALUES ({id}, {id}); UPDATE `{table}` SET v = v + 1 WHERE id = {firstId + random.Next(0, id - firstId + 1)};", connection);
                    await command.ExecuteNonQueryAsync();
                    Writes++;
                    id++;
                    await Task.Delay(5);
                }
            });
        }

        public int Writes { get; private set; }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _task;
            _stop.Dispose();
        }
    }
}
