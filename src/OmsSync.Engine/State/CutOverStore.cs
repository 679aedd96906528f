using System.Text.Json;
using System.Data.Common;
using OmsSync.Engine.CutOver;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Engine.State;

/// <summary>Reads and writes tasks' cut-overs and their steps.</summary>
public sealed class CutOverStore
{
    private readonly StateStore _store;

    public CutOverStore(StateStore store) => _store = store;

    public CutOverState? Get(string task)
    {
        var steps = _store.Query("SELECT step, status, detail, started, finished FROM cutover_steps WHERE task = @t ORDER BY ordinal",
            r => new CutOverStepState(Enum.Parse<CutOverStep>(r.GetString(0)), Enum.Parse<CutOverStepStatus>(r.GetString(1)), Text(r, 2),
                Time(r, 3), Time(r, 4)), ("@t", task));
        return _store.Query("SELECT * FROM cutovers WHERE task = @t", r => new CutOverState
        {
            Task = r.GetString(r.GetOrdinal("task")),
            Status = Enum.Parse<TaskStatus>(r.GetString(r.GetOrdinal("status"))),
            Options = JsonSerializer.Deserialize<CutOverOptions>(r.GetString(r.GetOrdinal("options")))!,
            Position = Text(r, r.GetOrdinal("position")),
            Message = Text(r, r.GetOrdinal("message")),
            WorkerPid = r.IsDBNull(r.GetOrdinal("worker_pid")) ? null : r.GetInt32(r.GetOrdinal("worker_pid")),
            Started = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("started")), System.Globalization.CultureInfo.InvariantCulture),
            Updated = DateTimeOffset.Parse(r.GetString(r.GetOrdinal("updated")), System.Globalization.CultureInfo.InvariantCulture),
            Finished = Time(r, r.GetOrdinal("finished")),
            Steps = steps,
        }, ("@t", task)).SingleOrDefault();
    }

    /// <summary>
    /// Records a cut-over to run with these options: a new one with every step pending, or one cut short taken up again,
    /// its steps done kept and the steps the new options add or drop adjusted.
    /// </summary>
    public void Begin(string task, CutOverOptions options)
    {
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        var now = Now();
        Run(connection, transaction,
            """
            INSERT INTO cutovers(task, status, options, started, updated) VALUES (@t, 'Running', @o, @u, @u)
            ON CONFLICT(task) DO UPDATE SET status = 'Running', options = @o, message = NULL, updated = @u, finished = NULL
            """, ("@t", task), ("@o", JsonSerializer.Serialize(options)), ("@u", now));
        var wanted = options.Steps;
        Run(connection, transaction, $"DELETE FROM cutover_steps WHERE task = @t AND status <> 'Done' AND step NOT IN ({string.Join(", ", wanted.Select(s => $"'{s}'"))})",
            ("@t", task));
        foreach (var step in wanted)
            Run(connection, transaction,
                "INSERT INTO cutover_steps(task, ordinal, step, status) VALUES (@t, @n, @s, 'Pending') ON CONFLICT(task, step) DO NOTHING",
                ("@t", task), ("@n", (int)step), ("@s", step.ToString()));
        transaction.Commit();
    }

    public void ClaimWorker(string task, int pid) =>
        _store.Execute("UPDATE cutovers SET worker_pid = @p, updated = @u WHERE task = @t", ("@t", task), ("@p", pid), ("@u", Now()));

    public void SetStep(string task, CutOverStep step, CutOverStepStatus status, string? detail = null)
    {
        var now = Now();
        _store.Execute(
            """
            UPDATE cutover_steps SET status = @s, detail = COALESCE(@d, detail),
                started = CASE WHEN @s = 'Running' AND started IS NULL THEN @u ELSE started END,
                finished = CASE WHEN @s IN ('Done', 'Skipped') THEN @u ELSE NULL END
            WHERE task = @t AND step = @step
            """, ("@t", task), ("@step", step.ToString()), ("@s", status.ToString()), ("@d", detail), ("@u", now));
        _store.Execute("UPDATE cutovers SET updated = @u WHERE task = @t", ("@t", task), ("@u", now));
    }

    public void SetPosition(string task, string position) =>
        _store.Execute("UPDATE cutovers SET position = @p, updated = @u WHERE task = @t", ("@t", task), ("@p", position), ("@u", Now()));

    public void Finish(string task, TaskStatus status, string message) =>
        _store.Execute("UPDATE cutovers SET status = @s, message = @m, updated = @u, finished = CASE WHEN @s = 'Completed' THEN @u ELSE NULL END WHERE task = @t",
            ("@t", task), ("@s", status.ToString()), ("@m", message), ("@u", Now()));

    private void Run(DbConnection connection, DbTransaction transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = _store.Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateTimeOffset.Parse(r.GetString(i), System.Globalization.CultureInfo.InvariantCulture);
}
