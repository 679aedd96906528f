using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using System.Security.Cryptography;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.State;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// Applies the DDL of the forward direction to the target, in source order with the rows around it. A DDL
/// commits by itself, so it cannot share the checkpoint's transaction: each step it takes on the target is
/// announced first in `oms`.`ddl_progress` with a fingerprint of the target tables it touches, and the
/// checkpoint past the DDL clears it. A worker that restarts inside a DDL runs a step again only when the
/// fingerprint shows it did not run (a step that changes no definition, such as TRUNCATE, is harmless to
/// repeat). An unsupported or failing DDL pauses the task with the statement and the reason; the reverse
/// direction logs the DDL it reads and applies none.
/// </summary>
internal sealed class DdlApplier
{
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly TaskRules _rules;
    private readonly DdlPlanner _planner;
    private readonly SchemaHistory _history;
    private readonly DdlLog _ddlLog;
    private readonly MySqlEndpoint _source;
    private readonly MySqlEndpoint _target;
    private readonly RuntimeStore _runtime;
    private readonly ConflictLog _conflicts;
    private readonly Func<CancellationToken, Task<BinlogPosition>> _sourcePosition;
    private readonly Action<string> _log;
    private Dictionary<string, BinlogPosition> _catchUp = [];

    public DdlApplier(MigrationTask task, Direction direction, SchemaHistory history, DdlLog ddlLog, MySqlEndpoint source, MySqlEndpoint target,
        RuntimeStore runtime, ConflictLog conflicts, Func<CancellationToken, Task<BinlogPosition>> sourcePosition, Action<string> log)
    {
        _task = task;
        _direction = direction;
        _rules = new TaskRules(task);
        _planner = new DdlPlanner(_rules, task.IncrementalDdl, task.OnlineDdlTool, direction == Direction.Reverse);
        _history = history;
        _ddlLog = ddlLog;
        _source = source;
        _target = target;
        _runtime = runtime;
        _conflicts = conflicts;
        _sourcePosition = sourcePosition;
        _log = log;
    }

    /// <summary>The comment that opens every DDL a task's forward direction applies, so the reverse direction can tell it in the target's binlog.</summary>
    public static string Marker(string task) =>
        $"/* omssync {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(task)), 0, 6).ToLowerInvariant()} forward */";

    /// <summary>
    /// The task's tables at a position, from the schema history: those recorded as belonging to the task, with
    /// their shape there. <paramref name="known"/> supplies mappings the history does not hold.
    /// </summary>
    public Dictionary<(string, string), TaskTable> TablesAt(BinlogPosition position, IReadOnlyDictionary<(string, string), TaskTable> known)
    {
        var versions = _history.At(_task.Name, _direction, CheckpointPosition.FileSequence(position.File), position.Position);
        if (versions.Count == 0) return new Dictionary<(string, string), TaskTable>(known);
        var tables = new Dictionary<(string, string), TaskTable>();
        foreach (var version in versions)
        {
            if (!version.Member || version.Schema is null) continue;
            var key = (version.Database, version.Table);
            var mapping = version.Mapping ?? known.GetValueOrDefault(key)?.Mapping ?? _rules.MappingFor(version.Database, version.Table);
            tables[key] = known.TryGetValue(key, out var table) && table.Mapping == mapping
                ? table with { Schema = version.Schema }
                : _rules.TableFor(mapping, version.Schema);
        }
        return tables;
    }

    public async Task LoadAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await DdlProgressStore.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        _catchUp = await DdlProgressStore.ReadCatchUpAsync(target, _task.OmsKey, _direction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tables that joined with a copy of their rows, as <see cref="LoadAsync"/> read them, each with where its copy's window ends.</summary>
    public IReadOnlyDictionary<string, SourcePosition> CatchUp => _catchUp.ToDictionary(w => w.Key, w => (SourcePosition)w.Value);

    /// <summary>Applies the DDL of a transaction (a batch of its own); throws <see cref="TaskPausedException"/> to wait for the DBA.</summary>
    /// <returns>Null when the DDL has nothing to do with the task.</returns>
    public async Task<DdlResult?> ApplyAsync(MySqlConnection target, SourceTransaction transaction, IReadOnlyDictionary<(string, string), TaskTable> tables,
        CancellationToken cancellationToken)
    {
        var ddl = transaction.Changes.OfType<DdlChange>().First();
        var members = tables.ToDictionary(t => t.Key, t => t.Value.Mapping);
        var plan = _planner.Plan(ddl.Statement, ddl.Database, members);
        var record = new DdlRecord
        {
            Task = _task.Name, Direction = _direction, StartPosition = CheckpointPosition.Serialize(transaction.BinlogStart()), Order = transaction.StartPosition.SortKey,
            EndPosition = CheckpointPosition.Serialize(transaction.BinlogEnd()), Database = ddl.Database, Statement = ddl.Statement,
            Table = plan.Subject, Outcome = DdlOutcome.Applied,
        };
        if (_direction == Direction.Reverse) return Reverse(plan, record, members);
        if (!plan.Concerns) return null;
        if (plan.Unsupported is { } why) throw Pause(record with { TargetSql = plan.TargetSql }, why);
        if (plan.Deferred)
        {
            _ddlLog.Record(record with { Outcome = DdlOutcome.Deferred, Reason = plan.Note });
            _log($"DDL at {transaction.StartPosition} held for the online schema change's swap: {ddl.Statement}");
            return DdlResult.Nothing;
        }

        var steps = await StepsAsync(target, plan, record, transaction.BinlogEnd(), cancellationToken).ConfigureAwait(false);
        var catchUp = new List<(string, SourcePosition)>();
        if (steps.Count > 0)
            await RunStepsAsync(target, steps, record, transaction.BinlogStart(), catchUp, cancellationToken).ConfigureAwait(false);
        var targetSql = string.Join(";\n", steps.Select(s => s.Sql ?? $"-- copy the rows of {s.Copy!.Mapping.Source}"));
        _ddlLog.Record(record with
        {
            Outcome = steps.Count > 0 ? DdlOutcome.Applied : DdlOutcome.Ignored, TargetSql = targetSql.Length == 0 ? null : targetSql,
            Reason = plan.Note ?? (steps.Count > 0 ? null : "nothing of it concerns the target"),
        });
        _log(steps.Count > 0 ? $"DDL at {transaction.StartPosition} applied: {targetSql}" : $"DDL at {transaction.StartPosition} needs nothing on the target: {ddl.Statement}");
        return new DdlResult(TablesAt(transaction.BinlogEnd(), tables), false, catchUp);
    }

    /// <summary>In the transaction that writes the checkpoint past the DDL: the DDL's progress row goes, its catch-up windows are stored (the pipeline keeps them from <see cref="DdlResult.CatchUp"/>).</summary>
    public async Task CompleteAsync(MySqlConnection target, MySqlTransaction transaction, DdlResult result, CancellationToken cancellationToken)
    {
        await DdlProgressStore.ClearAsync(target, transaction, _task.OmsKey, _direction, cancellationToken).ConfigureAwait(false);
        foreach (var (table, until) in result.CatchUp)
            await DdlProgressStore.WriteCatchUpAsync(target, transaction, _task.OmsKey, _direction, table, (BinlogPosition)until, cancellationToken).ConfigureAwait(false);
    }

    private DdlResult? Reverse(DdlPlan plan, DdlRecord record, IReadOnlyDictionary<(string, string), TableMapping> members)
    {
        var databases = members.Keys.Select(k => k.Item1).ToHashSet();
        var namesTaskDatabase = plan.Statement.Tables.Select(t => t.Resolve(plan.Database)).Any(n => n is { } r && databases.Contains(r.Database));
        var reshapes = plan.Statement.Kind is DdlKind.CreateTable or DdlKind.RenameTable or DdlKind.DropTable
                       || plan.Statement.Clauses.Any(c => c.Kind == DdlClauseKind.RenameTable);
        if (!plan.Concerns && !(reshapes && namesTaskDatabase)) return null;
        var forwarded = plan.Statement.Text.TrimStart().StartsWith(Marker(_task.OmsKey), StringComparison.Ordinal);
        var why = forwarded
            ? "applied to this side by the forward direction; DDL flows forward only"
            : "DDL made on the target is not synchronized back: the reverse direction carries DML only";
        _ddlLog.Record(record with { Outcome = DdlOutcome.NotApplied, Reason = why });
        _log($"DDL read on the reverse side and not applied ({why}): {record.Statement}");
        return new DdlResult(null, reshapes && namesTaskDatabase, []);
    }

    private sealed record Step(string? Sql, IReadOnlyList<(string Database, string Table)> Tables, TaskTable? Copy = null);

    private async Task<List<Step>> StepsAsync(MySqlConnection target, DdlPlan plan, DdlRecord record, BinlogPosition end, CancellationToken cancellationToken)
    {
        var steps = new List<Step>();
        var file = CheckpointPosition.FileSequence(end.File);
        // Tables that join may go to a database the target does not have yet.
        foreach (var database in plan.Changes.Where(c => c.Member && c.Mapping is not null && plan.MembershipChanged)
                     .Select(c => (c.Source.Database, c.Mapping!.TargetDatabase)).Distinct())
            if (await CreateDatabaseAsync(target, database.Database, database.TargetDatabase, cancellationToken).ConfigureAwait(false) is { } create)
                steps.Add(new Step(create, []));
        if (plan.TargetSql is { } sql)
            steps.Add(new Step(sql, plan.TargetTables.Distinct().ToList()));
        if (plan.CutOver is { } swap)
        {
            var original = plan.Changes.Last(c => c.Source == swap.Original && c.Member).Mapping!;
            var ghost = new Dictionary<(string, string), TableMapping> { [swap.Ghost] = original };
            var held = new DdlPlanner(_rules, synchronize: true, OnlineDdlTool.None, reverse: false);
            var start = CheckpointPosition.Parse(record.StartPosition);
            foreach (var deferred in SinceCreated(_ddlLog.Deferred(_task.Name, _direction, $"{swap.Ghost.Database}.{swap.Ghost.Table}",
                         CheckpointPosition.FileSequence(start.File), start.Position)))
            {
                var replay = held.Plan(deferred.Statement, deferred.Database, ghost);
                if (replay.TargetSql is { } alter)
                    steps.Add(new Step(alter, [(original.TargetDatabase, original.TargetTable)]));
            }
        }
        foreach (var change in plan.Changes.Where(c => c.Member && (c.Arrives || c.CreateFromShape)))
        {
            var shape = _history.Find(_task.Name, _direction, change.Source.Database, change.Source.Table, file, end.Position)
                        ?? throw Pause(record, $"the definition of {change.Source.Database}.{change.Source.Table} could not be read from the source");
            var table = _rules.TableFor(change.Mapping!, shape);
            steps.Add(new Step(MySqlDdlWriter.CreateTable(shape, table.TargetOptions with { IfNotExists = true }),
                [(change.Mapping!.TargetDatabase, change.Mapping.TargetTable)]));
            if (change.Arrives) steps.Add(new Step(null, [], table));
        }
        return steps;
    }

    // The statements held for a shadow table since the tool last created it: an earlier run's shadow table is gone.
    private static IEnumerable<DdlRecord> SinceCreated(IReadOnlyList<DdlRecord> held)
    {
        var created = held.Count - 1;
        while (created >= 0 && DdlParser.Parse(held[created].Statement).Kind != DdlKind.CreateTable) created--;
        return held.Skip(created + 1);
    }

    private async Task RunStepsAsync(MySqlConnection target, List<Step> steps, DdlRecord record, BinlogPosition start, List<(string, SourcePosition)> catchUp,
        CancellationToken cancellationToken)
    {
        var first = 0;
        var progress = await DdlProgressStore.ReadAsync(target, _task.OmsKey, _direction, cancellationToken).ConfigureAwait(false);
        var resumed = progress is not null && CheckpointPosition.Compare(progress.Start, start) == 0 && progress.Step < steps.Count;
        if (resumed)
        {
            first = progress!.Step;
            // The step ran before the worker stopped when its tables no longer look as they did before it.
            if (steps[first].Sql is not null && progress.Fingerprint is { } before
                && before != await FingerprintAsync(target, steps[first].Tables, cancellationToken).ConfigureAwait(false))
                first++;
            _log($"resuming DDL at {start} at step {first + 1} of {steps.Count}");
        }
        else
        {
            foreach (var copy in steps.Where(s => s.Copy is not null))
            {
                await MySqlFullLoad.Runner(_source, _target, _task, _runtime, _conflicts).ForgetAsync(copy.Copy!.Mapping.Source, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var i = first; i < steps.Count; i++)
        {
            var step = steps[i];
            var fingerprint = step.Sql is null ? null : await FingerprintAsync(target, step.Tables, cancellationToken).ConfigureAwait(false);
            await using (var announce = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                // The first step also pins the checkpoint to the DDL's start: a restart meets the DDL again, and this row with it.
                if (i == 0 && !resumed)
                    await CheckpointStore.WriteAsync(target, announce, _task.OmsKey, _direction, start, null, 0, cancellationToken).ConfigureAwait(false);
                await DdlProgressStore.WriteAsync(target, announce, _task.OmsKey, _direction, new DdlProgress(start, i, fingerprint), cancellationToken).ConfigureAwait(false);
                await announce.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            FaultPoints.Hit(_task.Name, "ddl-before-apply");
            if (step.Copy is { } table)
            {
                await CopyAsync(table, record, catchUp, cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                await using var command = new MySqlCommand(Marker(_task.OmsKey) + " " + step.Sql, target);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e) when (!IsConnectionLoss(e))
            {
                // A failed DDL changed nothing: on resume the step runs again, whatever the target looks like by then.
                await DdlProgressStore.WriteAsync(target, null, _task.OmsKey, _direction, new DdlProgress(start, i, null), cancellationToken).ConfigureAwait(false);
                throw Pause(record with { TargetSql = step.Sql }, $"the target refused it: {e.Message}");
            }
            FaultPoints.Hit(_task.Name, "ddl-after-apply");
        }
    }

    /// <summary>A table that joined with its rows: they are copied as full migration copies, then replayed idempotently up to where the copy ended.</summary>
    private async Task CopyAsync(TaskTable table, DdlRecord record, List<(string, SourcePosition)> catchUp, CancellationToken cancellationToken)
    {
        try
        {
            await MySqlFullLoad.Runner(_source, _target, _task, _runtime, _conflicts).RunAsync([(table.Mapping, table.Schema)], cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.OmsException e) when (e is not TaskPausedException && e.ErrorId != "ConnectionFailed")
        {
            throw Pause(record, $"copying the rows of {table.Mapping.Source} failed: {e.Message}");
        }
        catchUp.Add((table.Mapping.Source, await _sourcePosition(cancellationToken).ConfigureAwait(false)));
        _log($"rows of {table.Mapping.Source} copied to {table.Mapping.Target}");
    }

    private TaskPausedException Pause(DdlRecord record, string why)
    {
        _ddlLog.Record(record with { Outcome = DdlOutcome.Paused, Reason = why });
        return new TaskPausedException("DdlPaused", _task.Name,
            $"The DDL at {CheckpointPosition.Parse(record.StartPosition)} cannot be synchronized, so the task is paused: {why}. Statement: {record.Statement} " +
            $"Fix the cause and resume (Resume-OmsTask), or skip the statement (Skip-OmsDdl -Name {_task.Name}).");
    }

    /// <summary>CREATE DATABASE for a target database that does not exist yet, with the source database's defaults; null when it exists.</summary>
    private async Task<string?> CreateDatabaseAsync(MySqlConnection target, string sourceDatabase, string targetDatabase, CancellationToken cancellationToken)
    {
        if (await new MySqlSchemaReader(target).ReadDatabaseAsync(targetDatabase, cancellationToken).ConfigureAwait(false) is not null) return null;
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var definition = await new MySqlSchemaReader(source).ReadDatabaseAsync(sourceDatabase, cancellationToken).ConfigureAwait(false);
        return MySqlDdlWriter.CreateDatabase(definition ?? new DatabaseSchema(sourceDatabase, null, null), targetDatabase);
    }

    /// <summary>A digest of the target tables' definitions (AUTO_INCREMENT counters aside); a missing table counts as such.</summary>
    private static async Task<string> FingerprintAsync(MySqlConnection target, IReadOnlyList<(string Database, string Table)> tables, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var reader = new MySqlSchemaReader(target);
        foreach (var (database, table) in tables.Distinct())
        {
            text.Append(database).Append('.').Append(table).Append('\n');
            try
            {
                text.Append(WithoutCounter(await reader.ShowCreateTableAsync(database, table, cancellationToken).ConfigureAwait(false)));
            }
            catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownDatabase)
            {
                text.Append("(none)");
            }
            text.Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>SHOW CREATE TABLE without its AUTO_INCREMENT=n option, which moves with every insert.</summary>
    private static string WithoutCounter(string createTable)
    {
        var tokens = MySqlTokenizer.Tokenize(createTable);
        var sb = new StringBuilder(createTable.Length);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].IsWord("AUTO_INCREMENT") && MySqlTokenizer.NextSignificant(tokens, i + 1) is var eq and >= 0 && tokens[eq].IsSymbol("=")
                && MySqlTokenizer.NextSignificant(tokens, eq + 1) is var n and >= 0 && tokens[n].Kind == MySqlTokenKind.Number)
            {
                i = n;
                continue;
            }
            sb.Append(tokens[i].Text);
        }
        return sb.ToString();
    }

    private static bool IsConnectionLoss(MySqlException e) =>
        e.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted || e.InnerException is IOException or System.Net.Sockets.SocketException;
}
