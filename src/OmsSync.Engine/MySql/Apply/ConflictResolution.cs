using System.Text;
using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// Settles logged conflicts. KeepTarget only marks the conflict resolved. ApplySource makes the row on the
/// direction's target equal the source image the conflict recorded (or deletes it, for a delete), in one
/// transaction that also touches the direction's marker row, so the other direction of a bidirectional task
/// does not send the correction back.
/// </summary>
public sealed class ConflictResolution
{
    private readonly OmsService _service;

    public ConflictResolution(OmsService service) => _service = service;

    /// <summary>Plans settling one logged conflict; a conflict resolved already is refused when it runs.</summary>
    public PlannedOperation<ConflictRecord> PlanResolve(long id, ConflictAction action)
    {
        var record = _service.Conflicts.Get(id);
        return new PlannedOperation<ConflictRecord>($"conflict {id}: {record.Type} on {record.Table} {record.Key} ({record.Task}, {record.Direction})",
            action == ConflictAction.ApplySource ? "Apply the source row to the target" : "Keep the target row",
            (_, cancellationToken) => ResolveAsync(id, action, cancellationToken));
    }

    public async Task<ConflictRecord> ResolveAsync(long id, ConflictAction action, CancellationToken cancellationToken)
    {
        var record = _service.Conflicts.Get(id);
        if (record.Resolved is not null)
            throw new OmsException("ConflictAlreadyResolved", OmsErrorKind.InvalidState, record.Table,
                $"Conflict {id} ({record.Type} on {record.Table}) was resolved already ({record.Resolution}, {record.Resolved:u}). Find open ones with Get-OmsConflict -Unresolved.");
        if (action == ConflictAction.ApplySource)
            await ApplySourceAsync(record, cancellationToken).ConfigureAwait(false);
        _service.Conflicts.MarkResolved(id, action == ConflictAction.ApplySource ? "AppliedSource" : "KeptTarget");
        return _service.Conflicts.Get(id);
    }

    private async Task ApplySourceAsync(ConflictRecord record, CancellationToken cancellationToken)
    {
        var task = _service.Tasks.Get(record.Task);
        var written = record.Direction == Direction.Forward ? task.Target : task.Source;
        var objects = await MySqlTaskObjects.ResolveAsync(_service.Endpoint(task.Source), task, cancellationToken).ConfigureAwait(false);
        var table = objects.Tables.FirstOrDefault(t => (record.Direction == Direction.Forward ? t.Mapping.Target : t.Mapping.Source) == record.Table)
            ?? throw new OmsException("ConflictTableGone", OmsErrorKind.NotFound, record.Table,
                $"Table '{record.Table}' of conflict {record.Id} is no longer among task '{task.Name}''s objects. Resolve it with -Action KeepTarget, or fix the row by hand.");
        var (database, name) = record.Direction == Direction.Forward
            ? (table.Mapping.TargetDatabase, table.Mapping.TargetTable)
            : (table.Mapping.SourceDatabase, table.Mapping.SourceTable);

        await using var connection = await _service.Endpoint(written).OpenAsync(cancellationToken).ConfigureAwait(false);
        var schema = (await new MySqlSchemaReader(connection).ReadTablesAsync(database, [name], cancellationToken).ConfigureAwait(false)).SingleOrDefault()
            ?? throw new OmsException("ConflictTableGone", OmsErrorKind.NotFound, record.Table, $"Table '{record.Table}' does not exist on data source '{written}'.");
        var columns = schema.Columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var target = MySqlSyntax.QuoteQualified(database, name);
        var key = Image(record.Key)!;
        var after = Image(record.SourceAfter);

        var sql = new StringBuilder();
        // The row at the recorded key goes first when the source deleted it or moved it to another key.
        if (after is null || record.Type == ConflictType.UpdateKeyConflict || key.Any(k => after.TryGetValue(k.Key, out var v) && v != k.Value))
        {
            sql.Append("DELETE FROM ").Append(target).Append(" WHERE ");
            var first = true;
            foreach (var (column, value) in key)
            {
                if (!first) sql.Append(" AND ");
                first = false;
                sql.Append(MySqlSyntax.QuoteIdentifier(column)).Append(" <=> ");
                MySqlDisplayForm.AppendLiteral(sql, Column(columns, column, record), value);
            }
            sql.Append(";\n");
        }
        if (after is not null)
        {
            sql.Append("REPLACE INTO ").Append(target).Append(" (")
                .Append(string.Join(", ", after.Keys.Select(MySqlSyntax.QuoteIdentifier))).Append(") VALUES (");
            var first = true;
            foreach (var (column, value) in after)
            {
                if (!first) sql.Append(", ");
                first = false;
                MySqlDisplayForm.AppendLiteral(sql, Column(columns, column, record), value);
            }
            sql.Append(");\n");
        }
        // The direction's marker: the other direction drops this transaction instead of echoing it.
        sql.Append("UPDATE `oms`.`checkpoints` SET updated_at = UTC_TIMESTAMP(6) WHERE task = @task AND direction = @direction;");
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new MySqlCommand(sql.ToString(), connection, transaction))
        {
            command.Parameters.AddWithValue("@task", task.OmsKey);
            command.Parameters.AddWithValue("@direction", record.Direction.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ColumnSchema Column(Dictionary<string, ColumnSchema> columns, string name, ConflictRecord record) =>
        columns.TryGetValue(name, out var column) ? column
        : throw new OmsException("ConflictColumnGone", OmsErrorKind.NotFound, record.Table,
            $"Column '{name}' recorded in conflict {record.Id} no longer exists in '{record.Table}'. Resolve it with -Action KeepTarget, or fix the row by hand.");

    private static Dictionary<string, string?>? Image(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string?>>(json);
}
