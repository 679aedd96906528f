using System.Text.Json;
using System.Text.Json.Serialization;
using System.Data.Common;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>Task definitions, stored as JSON so that new options need no schema change.</summary>
public sealed class TaskCatalog
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    private readonly StateStore _store;

    public TaskCatalog(StateStore store) => _store = store;

    /// <summary>Stores a new task, giving it its incarnation id (<see cref="MigrationTask.Id"/>) unless it has one; returns it as stored.</summary>
    public MigrationTask Add(MigrationTask task)
    {
        task = task.Id is null ? task with { Id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() } : task;
        var now = DateTimeOffset.UtcNow.ToString("O");
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        try
        {
            using (var insert = _store.Command(connection,
                "INSERT INTO tasks(name, source, target, definition, created, updated) VALUES (@n, @s, @t, @d, @c, @c)",
                ("@n", task.Name), ("@s", task.Source), ("@t", task.Target), ("@d", JsonSerializer.Serialize(task, Json)), ("@c", now)))
            {
                insert.Transaction = transaction;
                insert.ExecuteNonQuery();
            }
            foreach (var direction in Enum.GetValues<Direction>())
            {
                using var runtime = _store.Command(connection,
                    "INSERT INTO task_runtime(task, direction, status, phase, updated) VALUES (@n, @d, @s, @p, @u)",
                    ("@n", task.Name), ("@d", direction.ToString()), ("@s", Model.TaskStatus.Created.ToString()),
                    ("@p", TaskPhase.None.ToString()), ("@u", now));
                runtime.Transaction = transaction;
                runtime.ExecuteNonQuery();
            }
            transaction.Commit();
            return task;
        }
        catch (DbException e) when (_store.IsUniqueViolation(e))
        {
            throw new OmsException("TaskExists", OmsErrorKind.AlreadyExists, task.Name,
                $"A task named '{task.Name}' exists already. Choose another name, or remove it first with Remove-OmsTask.");
        }
    }

    public void Update(MigrationTask task)
    {
        var rows = _store.Execute("UPDATE tasks SET definition = @d, updated = @u WHERE name = @n",
            ("@n", task.Name), ("@d", JsonSerializer.Serialize(task, Json)), ("@u", DateTimeOffset.UtcNow.ToString("O")));
        if (rows == 0) throw NotFound(task.Name);
    }

    /// <summary>
    /// Changes a task's definition as <paramref name="change"/> says, reading it under a row lock (SQLite: the write lock)
    /// in the transaction that writes it back: a change made meanwhile by another process is never overwritten.
    /// </summary>
    public MigrationTask Modify(string name, Func<MigrationTask, MigrationTask> change) =>
        _store.InTransaction((connection, transaction) =>
        {
            using var read = _store.Command(connection, transaction, $"SELECT definition FROM tasks WHERE name = @n{_store.ForUpdate}", ("@n", name));
            var current = StateStore.Read(read, Map).SingleOrDefault() ?? throw NotFound(name);
            var changed = change(current);
            using var write = _store.Command(connection, transaction, "UPDATE tasks SET definition = @d, updated = @u WHERE name = @n",
                ("@n", current.Name), ("@d", JsonSerializer.Serialize(changed, Json)), ("@u", DateTimeOffset.UtcNow.ToString("O")));
            write.ExecuteNonQuery();
            return changed;
        });

    /// <summary>
    /// Stores <paramref name="changed"/> in place of the task as <paramref name="read"/> earlier, provided nobody changed
    /// it since (compare-and-set on the stored definition): a change planned from what another process has overwritten
    /// since is refused, not allowed to undo it.
    /// </summary>
    public void Replace(MigrationTask read, MigrationTask changed) =>
        Modify(read.Name, stored => JsonSerializer.Serialize(stored, Json) == JsonSerializer.Serialize(read, Json)
            ? changed
            : throw new OmsException("TaskChanged", OmsErrorKind.InvalidState, read.Name,
                $"Task '{read.Name}' was changed by another command since this one read it. Look at it with Get-OmsTask and run the change again."));

    /// <summary>The state tables that refer to a task by name, besides <c>tasks</c> itself.</summary>
    private static readonly string[] TaskTables =
        ["task_runtime", "table_progress", "chunk_plans", "conflicts", "schema_history", "verification_runs", "ddl_log", "cutovers", "cutover_steps", "alerts", "table_windows"];

    /// <summary>Stores <paramref name="renamed"/> in place of task <paramref name="name"/>, moving its runtime state, logs and history with it, in one transaction.</summary>
    public void Rename(string name, MigrationTask renamed)
    {
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        void Run(string sql, params (string, object?)[] parameters)
        {
            using var command = _store.Command(connection, sql, parameters);
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }
        // The references point at tasks(name): checked at commit, when every table has the new name.
        Run(_store.Dialect.DeferForeignKeys);
        try
        {
            Run("UPDATE tasks SET name = @to, definition = @d, updated = @u WHERE name = @from",
                ("@from", name), ("@to", renamed.Name), ("@d", JsonSerializer.Serialize(renamed, Json)), ("@u", DateTimeOffset.UtcNow.ToString("O")));
        }
        catch (DbException e) when (_store.IsUniqueViolation(e))
        {
            throw new OmsException("TaskExists", OmsErrorKind.AlreadyExists, renamed.Name,
                $"A task named '{renamed.Name}' exists already. Choose another name, or remove that task first with Remove-OmsTask.");
        }
        foreach (var table in TaskTables)
            Run($"UPDATE {table} SET task = @to WHERE task = @from", ("@from", name), ("@to", renamed.Name));
        transaction.Commit();
    }

    public MigrationTask? Find(string name) =>
        _store.Query("SELECT definition FROM tasks WHERE name = @n", Map, ("@n", name)).SingleOrDefault();

    public MigrationTask Get(string name) => Find(name) ?? throw NotFound(name);

    public IReadOnlyList<MigrationTask> List() => _store.Query("SELECT definition FROM tasks ORDER BY name", Map);

    public void Remove(string name)
    {
        using var connection = _store.Connect();
        using var transaction = _store.BeginWrite(connection);
        foreach (var sql in new[] { "DELETE FROM conflicts WHERE task = @n", "DELETE FROM tasks WHERE name = @n" })
        {
            using var command = _store.Command(connection, sql, ("@n", name));
            command.Transaction = transaction;
            if (command.ExecuteNonQuery() == 0 && sql.Contains("tasks")) throw NotFound(name);
        }
        transaction.Commit();
    }

    public static OmsException NotFound(string name) =>
        OmsException.NotFound("Task", name, "List the tasks with Get-OmsTask, or create it with New-OmsTask.");

    private static MigrationTask Map(DbDataReader r) =>
        JsonSerializer.Deserialize<MigrationTask>(r.GetString(0), Json)!;
}
