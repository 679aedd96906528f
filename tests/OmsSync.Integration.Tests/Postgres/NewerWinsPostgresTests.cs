using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Bidirectional;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static OmsSync.Integration.Tests.Bidirectional.BidirectionalHarness;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>NewerWins between MariaDB and PostgreSQL (REPLICA IDENTITY FULL): both applications write the same rows at once, workers are killed on the way, and both sides end equal.</summary>
public sealed class NewerWinsPostgresTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MariaDbAndPostgreSqlWritingTheSameRowsEndEqual()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "nwpg", SameRowsLoad.Schema("hot", "DATETIME(6)") +
            $"INSERT INTO hot SELECT seq, 0, NULL, 'A', '2024-01-01' FROM seq_1_to_{SameRowsLoad.Rows};");
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "nwpg-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental, Topology = Topology.Bidirectional,
            ConflictRules = NewerWinsTests.NewerWins,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await WaitForIncrementalAsync(h, task.Name, Direction.Forward);
        // The reverse direction compares whole rows: PostgreSQL must log them.
        var hot = $"{TestPostgres.Quote(schema)}.hot";
        await TestPostgres.ExecuteAsync($"ALTER TABLE {hot} REPLICA IDENTITY FULL");
        h.Service.StartWorker(task.Name, Direction.Reverse);
        await WaitForIncrementalAsync(h, task.Name, Direction.Reverse);

        await using var a = await TestServers.OpenMySqlAsync(h.Source, db);
        await using (var utc = new MySqlCommand("SET time_zone = '+00:00'", a)) await utc.ExecuteNonQueryAsync();
        await using var b = await TestPostgres.OpenAsync();
        var seed = Random.Shared.Next();
        var (loadA, loadB) = (new SameRowsLoad(a, "hot", 'A', seed, SameRowsLoad.MariaDb), new SameRowsLoad(b, hot, 'B', seed + 1, SameRowsLoad.Postgres));
        await Task.WhenAll(loadA.RunAsync(NewerWinsTests.LoadTime, perSecond: 150), loadB.RunAsync(NewerWinsTests.LoadTime, perSecond: 150),
            NewerWinsTests.KillEachWorkerOnceAsync(h, task.Name));
        output.WriteLine($"seed {seed}: {loadA.Writes} writes on MariaDB ({loadA.Refused} refused), {loadB.Writes} on PostgreSQL ({loadB.Refused} refused) in {NewerWinsTests.LoadTime.TotalSeconds:0} s");

        await NewerWinsTests.WaitForSettledAsync(h, task.Name,
            () => MySqlRowsAsync(h.Source, db),
            () => TestPostgres.ColumnAsync($"SELECT concat_ws('|', id, v, coalesce(name, '-'), side, to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US')) FROM {hot} ORDER BY id"));
        output.WriteLine(NewerWinsTests.Summary(h, task.Name));
        Assert.Contains(h.Service.Conflicts.List(task.Name), c => c.Direction == Direction.Forward);
        Assert.Contains(h.Service.Conflicts.List(task.Name), c => c.Direction == Direction.Reverse);
    }

    private static async Task<List<string>> MySqlRowsAsync(ServerAddress server, string db)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await using var command = new MySqlCommand(
            "SELECT CONCAT_WS('|', id, v, COALESCE(name, '-'), side, DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f')) FROM hot ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
