using OmsSync.Engine.Changes;
using OmsSync.Engine.Ddl;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// DDL of a PostgreSQL source followed into a MySQL-family target. pgoutput carries no DDL statements, but it describes
/// each table (its columns) before the table's first row of a session and whenever its columns change. When the
/// columns a table's rows now arrive with differ from the target table's (a column added or dropped, a type changed),
/// the change is applied to the target with DDL synchronization (-IncrementalDdl), or the task pauses with the
/// statements the DBA can run. Applying is idempotent: after a crash, the target already matches and nothing runs again.
/// </summary>
internal sealed class PostgresColumnSync(MigrationTask task, Direction direction, StateStore store, PostgresEndpoint source, MySqlEndpoint target,
    PostgresToMySqlValues values, Action<string> log) : IDdlSync
{
    private readonly DdlLog _ddlLog = new(store);

    public void Follow(IReadOnlyDictionary<(string, string), TaskTable> tables)
    {
    }

    public bool Includes(string database, string table) => false; // the stream is the publication's: nothing else to read

    public ValueTask OnDdlAsync(string database, string statement, SourcePosition end, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Dictionary<(string, string), TaskTable> TablesAt(SourcePosition position, IReadOnlyDictionary<(string, string), TaskTable> known) => new(known);

    public async Task<DdlResult?> ApplyAsync(ITargetSession session, SourceTransaction transaction, IReadOnlyDictionary<(string, string), TaskTable> tables,
        CancellationToken cancellationToken)
    {
        Dictionary<(string, string), TaskTable>? changed = null;
        foreach (var columns in transaction.Changes.OfType<ColumnsChange>())
        {
            if (!tables.TryGetValue((columns.Database, columns.Table), out var table)) continue;
            if (await ReshapeAsync(session, transaction, columns, table, cancellationToken).ConfigureAwait(false) is not { } reshaped) continue;
            changed ??= new Dictionary<(string, string), TaskTable>(tables);
            changed[(columns.Database, columns.Table)] = reshaped;
        }
        return changed is null ? null : new DdlResult(changed, false, []);
    }

    public Task CompleteAsync(ITargetWrite write, DdlResult result, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The table as it is to be written from here on, or null when its rows still fit the target as it is.</summary>
    private async Task<TaskTable?> ReshapeAsync(ITargetSession session, SourceTransaction transaction, ColumnsChange columns, TaskTable table,
        CancellationToken cancellationToken)
    {
        var connection = ((MySqlChangeTarget.Session)session).Connection;
        var actual = await new MySqlSchemaReader(connection).ReadTableAsync(table.Mapping.TargetDatabase, table.Mapping.TargetTable, cancellationToken).ConfigureAwait(false)
            ?? throw new OmsException("TargetTableMissing", OmsErrorKind.NotFound, table.Mapping.Target,
                $"Table '{table.Mapping.Target}' of task '{task.Name}' is missing on the target. Restore it, or remove the table from the task.");
        TaskTable postgres;
        await using (var pg = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            var schema = (await new PostgresSchemaReader(pg).ReadTablesAsync(columns.Database, [columns.Table], cancellationToken).ConfigureAwait(false)).SingleOrDefault()
                ?? throw new OmsException("SourceTableMissing", OmsErrorKind.NotFound, table.Mapping.Source,
                    $"Table '{table.Mapping.Source}' of task '{task.Name}' is gone from the source. Remove it from the task.");
            // As the task moves it: a translated generated column stays one MariaDB computes (and is added as one), never written.
            postgres = table with { Schema = GeneratedColumns.Carried(schema, DataSourceKind.PostgreSql, GeneratedColumns.Moved(table.Mapping)) };
        }
        var problems = new List<string>();
        var shape = MySqlShapes.Of(postgres, target.Source.Kind, problems);
        // What the task moves of the columns the rows now carry (an explicit column list keeps what it names).
        var selected = table.Mapping.Columns;
        var arriving = columns.Columns.OfType<string>().Where(c => selected is null || selected.Contains(c, StringComparer.Ordinal)).ToList();
        var statements = new List<string>();
        var what = new List<string>();
        var known = values.SchemaOf(table.Mapping.Source);
        foreach (var name in arriving)
        {
            var wanted = shape.Columns.FirstOrDefault(c => c.Name == name);
            // A type counts as changed when PostgreSQL's changed since the worker read it, not merely because the target's differs.
            var retyped = known.Columns.FirstOrDefault(c => c.Name == name) is { } before && postgres.Schema.Columns.FirstOrDefault(c => c.Name == name) is { } now
                          && !string.Equals(before.ColumnType, now.ColumnType, StringComparison.Ordinal);
            var present = actual.Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (wanted is null)
            {
                if (present is null) problems.Add($"Column {name} of {table.Mapping.Source} changed again since these rows were written; it cannot be mapped now.");
                continue;
            }
            if (present is null)
            {
                statements.Add($"ALTER TABLE {MySqlSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable)} ADD COLUMN {MySqlDdlWriter.ColumnDefinition(wanted, shape.Checks.FirstOrDefault(c => c.Column == name))}");
                what.Add($"added {name}");
            }
            else if (retyped && !SchemaComparer.Holds(wanted, present))
            {
                statements.Add($"ALTER TABLE {MySqlSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable)} MODIFY COLUMN {MySqlDdlWriter.ColumnDefinition(wanted, shape.Checks.FirstOrDefault(c => c.Column == name))}");
                // Only when the target's type cannot hold the new one: a wider column there keeps serving.
                what.Add($"{name} is now {wanted.ColumnType} (was {present.ColumnType})");
            }
        }
        foreach (var gone in actual.Columns.Where(c => (selected is null || selected.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
                                                       && !columns.Columns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
        {
            statements.Add($"ALTER TABLE {MySqlSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable)} DROP COLUMN {MySqlSyntax.QuoteIdentifier(gone.Name)}");
            what.Add($"dropped {gone.Name}");
        }
        var reshaped = table with { Schema = shape };
        if (statements.Count == 0 && problems.Count == 0)
        {
            // The target fits; the rows may still carry columns the worker did not know when it started.
            values.Reshape(postgres);
            return shape.Columns.Select(c => c.Name).SequenceEqual(table.Schema.Columns.Select(c => c.Name)) ? null : reshaped;
        }
        var record = new DdlRecord
        {
            Task = task.Name, Direction = direction, StartPosition = transaction.StartPosition.Serialize(), Order = transaction.StartPosition.SortKey, EndPosition = transaction.EndPosition.Serialize(),
            Database = columns.Database, Table = table.Mapping.Source, TargetSql = statements.Count == 0 ? null : string.Join(";\n", statements),
            Statement = $"-- the columns of {table.Mapping.Source} changed on the source: {string.Join(", ", what.Concat(problems))}",
            Outcome = DdlOutcome.Applied,
        };
        if (problems.Count > 0 || !task.IncrementalDdl)
        {
            var why = problems.Count > 0 ? string.Join(" ", problems) : "DDL synchronization is off";
            _ddlLog.Record(record with { Outcome = DdlOutcome.Paused, Reason = why });
            throw new TaskPausedException("DdlPaused", task.Name,
                $"The columns of {table.Mapping.Source} changed on the source ({string.Join(", ", what)}) and {why}, so the task is paused. " +
                (statements.Count > 0 ? $"Run on the target: {string.Join("; ", statements)}; then resume (Resume-OmsTask), " : "Fix the cause and resume (Resume-OmsTask), ") +
                "or turn DDL synchronization on (Set-OmsTask -IncrementalDdl) and resume.");
        }
        foreach (var sql in statements)
        {
            try
            {
                await using var command = new MySqlConnector.MySqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlConnector.MySqlException e)
            {
                _ddlLog.Record(record with { Outcome = DdlOutcome.Paused, Reason = $"the target refused it: {e.Message}" });
                throw new TaskPausedException("DdlPaused", task.Name,
                    $"The columns of {table.Mapping.Source} changed on the source ({string.Join(", ", what)}) and the target refused the change ({e.Message}): {sql}. " +
                    "Change the target table by hand, then resume (Resume-OmsTask).");
            }
        }
        _ddlLog.Record(record);
        log($"the columns of {table.Mapping.Source} changed on the source, applied to the target: {string.Join("; ", statements)}");
        values.Reshape(postgres);
        return reshaped;
    }
}
