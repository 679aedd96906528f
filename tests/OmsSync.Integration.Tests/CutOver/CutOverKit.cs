using MySqlConnector;
using OmsSync.Engine.CutOver;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Tasks;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.CutOver;

/// <summary>What the cut-over tests share: running Switch-OmsTask through the engine, and reading both sides' rows and objects.</summary>
internal static class CutOverKit
{
    /// <summary>Plans and starts a cut-over as Switch-OmsTask does, and waits for its worker to end.</summary>
    public static async Task<CutOverState> SwitchAsync(EngineHarness h, string task, CutOverOptions options)
    {
        var plan = await new TaskControl(h.Service).PlanSwitchAsync(task, options, CancellationToken.None);
        await plan.RunAsync(new OperationNotes(), CancellationToken.None);
        return await WaitEndAsync(h, task);
    }

    public static async Task<CutOverState> WaitEndAsync(EngineHarness h, string task)
    {
        var cutovers = new CutOverService(h.Service);
        await EngineHarness.WaitUntilAsync(() => cutovers.Status(task) is { Status: not TaskStatus.Running }, TimeSpan.FromMinutes(4), "the cut-over to end");
        return cutovers.Status(task)!;
    }

    /// <summary>Runs each statement on its own (autocommit), a few each second, until <paramref name="stop"/> is set; returns how many ran.</summary>
    public static async Task<int> WriteUntilAsync(ServerAddress server, string db, Func<int, string> statement, CancellationToken stop, int most = 3000)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        var n = 0;
        while (!stop.IsCancellationRequested && n < most)
        {
            await new MySqlCommand(statement(++n), connection).ExecuteNonQueryAsync();
            await Task.Delay(15);
        }
        return n;
    }

    /// <summary>Every row version of a system-versioned table (on a plain target, every row), with its period, in key order.</summary>
    public static Task<List<string>> VersionsAsync(ServerAddress server, string db, string table, string columns, string order, bool versioned) =>
        RowsAsync(server, db, $"SELECT CONCAT_WS('|', {columns}) FROM `{db}`.`{table}`{(versioned ? " FOR SYSTEM_TIME ALL" : "")} ORDER BY {order}");

    /// <summary>The rows of a query as text, one string per row (columns joined by |), in the session time zone UTC.</summary>
    public static async Task<List<string>> RowsAsync(ServerAddress server, string? db, string sql)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, db);
        await new MySqlCommand("SET time_zone = '+00:00'", connection).ExecuteNonQueryAsync();
        await using var reader = await new MySqlCommand(sql, connection).ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i)))));
        return rows;
    }

    /// <summary>The database's triggers, routines and events as information_schema describes them (definers aside), sorted.</summary>
    public static async Task<(List<string> Triggers, List<string> Routines, List<string> Events)> ProgramsAsync(ServerAddress server, string db) =>
    (
        await RowsAsync(server, null, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT, SQL_MODE " +
                                      $"FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '{db}' ORDER BY TRIGGER_NAME"),
        await RowsAsync(server, null, "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION, SQL_MODE, SECURITY_TYPE, IS_DETERMINISTIC, DTD_IDENTIFIER " +
                                      $"FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '{db}' ORDER BY ROUTINE_TYPE, ROUTINE_NAME"),
        await RowsAsync(server, null, "SELECT EVENT_NAME, STATUS, EVENT_DEFINITION, INTERVAL_VALUE, INTERVAL_FIELD, ON_COMPLETION, SQL_MODE " +
                                      $"FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{db}' ORDER BY EVENT_NAME")
    );

    public static async Task<string> ShowCreateAsync(ServerAddress server, string db, string what, string name) =>
        (await RowsAsync(server, db, $"SHOW CREATE {what} `{name}`"))[0].Split('|')[1];

    public static async Task<long> LongAsync(ServerAddress server, string sql, string? db = null) =>
        Convert.ToInt64(await TestServers.ScalarAsync(server, sql, db));

    /// <summary>The tables read the same on both sides, each in its key order.</summary>
    public static async Task AssertSameRowsAsync(ServerAddress source, string db, ServerAddress target, string targetDb, params (string Table, string Order)[] tables)
    {
        foreach (var (table, order) in tables)
            Xunit.Assert.Equal(await TableSnapshot.ReadAsync(source, db, table, order), await TableSnapshot.ReadAsync(target, targetDb, table, order));
    }
}
