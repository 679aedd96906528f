using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Applies one strict change whose optimistic write changed nothing or hit a duplicate key: reads the
/// target row (locking it), decides whether this is a conflict and of which type, applies the table's
/// policy and returns the conflict record (null when the target already held the source's result).
/// </summary>
/// <remarks>
/// Policies: Ignore keeps the target row. Overwrite makes the target equal the source image. NewerWins
/// compares the rule's timestamp column: the larger value wins; on a tie the forward task's source wins,
/// so both directions pick the same row. A delete has no timestamp of its own and wins over a concurrent
/// update under NewerWins (an update that finds its row deleted leaves it deleted), so both sides end
/// without the row.
/// </remarks>
internal sealed class ConflictResolver
{
    private readonly string _task;
    private readonly Direction _direction;

    public ConflictResolver(string task, Direction direction)
    {
        _task = task;
        _direction = direction;
    }

    public static bool IsKeyCollision(MySqlException e) =>
        e.ErrorCode is MySqlErrorCode.DuplicateKeyEntry or MySqlErrorCode.DuplicateEntryWithKeyName;

    public async Task<ConflictRecord?> ResolveAsync(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, RowChange change,
        CancellationToken cancellationToken)
    {
        var rule = plan.Rule;
        var keyImage = change.Kind == RowChangeKind.Insert ? change.After! : change.Before!;
        var found = await ProbeAsync(target, transaction, plan, change, keyImage, rule, cancellationToken).ConfigureAwait(false);
        var writes = new Writer(target, transaction, plan, cancellationToken);
        ConflictType type;
        bool applySource;
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
                if (found is { EqualsAfter: true }) return null;
                type = ConflictType.InsertExists;
                applySource = Decide(rule, found);
                if (applySource) await writes.ReplaceAsync(change.After!).ConfigureAwait(false);
                break;
            case RowChangeKind.Delete:
                if (found is null)
                {
                    type = ConflictType.DeleteMissing;
                    applySource = rule.Policy != ConflictPolicy.Ignore; // nothing to delete either way; the outcome names the policy's choice
                    break;
                }
                // Only a before-image check gets here with the row present: it changed on the target.
                type = ConflictType.UpdateStale;
                applySource = rule.Policy != ConflictPolicy.Ignore; // Overwrite deletes; under NewerWins a delete wins
                if (applySource) await writes.DeleteAsync(change.Before!).ConfigureAwait(false);
                break;
            default:
                if (found is null)
                {
                    type = ConflictType.UpdateMissing;
                    applySource = rule.Policy == ConflictPolicy.Overwrite; // NewerWins: a delete wins over an update
                    if (applySource) await writes.ReplaceAsync(change.After!).ConfigureAwait(false);
                    break;
                }
                if (found.EqualsAfter) return null;
                if (rule.ChecksBeforeImage && change.WholeBefore && !found.EqualsBefore)
                {
                    type = ConflictType.UpdateStale;
                    applySource = Decide(rule, found);
                    if (!applySource) break;
                }
                else
                {
                    type = ConflictType.UpdateKeyConflict;
                    applySource = false;
                }
                if (await writes.TryUpdateAsync(change.Before!, change.After!).ConfigureAwait(false))
                {
                    if (type == ConflictType.UpdateKeyConflict) return null; // it went through on its own after all
                    break;
                }
                // The new values collide with another row's primary or unique key.
                type = ConflictType.UpdateKeyConflict;
                applySource = rule.Policy == ConflictPolicy.Overwrite;
                if (applySource)
                {
                    await writes.DeleteAsync(change.Before!).ConfigureAwait(false);
                    await writes.ReplaceAsync(change.After!).ConfigureAwait(false);
                }
                break;
        }
        return new ConflictRecord
        {
            Task = _task,
            Direction = _direction,
            Table = plan.Table.Mapping.Target,
            Key = JsonSerializer.Serialize(plan.KeyColumns.ToDictionary(k => k.Name, k => Display(keyImage[k.Index]))),
            Type = type,
            SourceBefore = change.Before is null ? null : RowJson(plan, change.Before),
            SourceAfter = change.After is null ? null : RowJson(plan, change.After),
            TargetRow = found?.Json,
            Policy = rule.Policy,
            Outcome = applySource ? "AppliedSource" : "KeptTarget",
        };
    }

    /// <summary>Whether the source image replaces the target row found, under the rule's policy.</summary>
    private static bool Decide(ConflictRule rule, TargetRow? found) => rule.Policy switch
    {
        ConflictPolicy.Overwrite => true,
        ConflictPolicy.NewerWins => found?.SourceIsNewer ?? true,
        _ => false,
    };

    private sealed record TargetRow(bool EqualsBefore, bool EqualsAfter, bool SourceIsNewer, string Json);

    // One locking read of the target row: whether it equals the source's before and after images, whether
    // the source image is newer by the rule's timestamp column, and the row itself for the conflict log.
    private async Task<TargetRow?> ProbeAsync(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, RowChange change,
        IReadOnlyList<object?> keyImage, ConflictRule rule, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT ");
        Flag(sql, plan, change.Before);
        sql.Append(", ");
        Flag(sql, plan, change.After);
        sql.Append(", ");
        if (rule.Policy == ConflictPolicy.NewerWins && rule.TimestampColumn is { } column && change.After is not null)
            SourceIsNewer(sql, plan.TimestampColumn(column), change.After);
        else
            sql.Append("TRUE");
        foreach (var c in plan.ColumnSchemas)
            sql.Append(", ").Append(DisplayExpression(c));
        sql.Append(" FROM ").Append(plan.Target).Append(" WHERE ");
        ChangeStatements.KeyCondition(sql, plan, keyImage);
        sql.Append(" LIMIT 1 FOR UPDATE");
        await using var command = new MySqlCommand(sql.ToString(), target, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        var row = new Dictionary<string, string?>();
        for (var i = 0; i < plan.ColumnSchemas.Count; i++)
            row[plan.ColumnSchemas[i].Name] = reader.IsDBNull(3 + i) ? null : reader.GetString(3 + i);
        return new TargetRow(reader.GetInt64(0) != 0, reader.GetInt64(1) != 0, reader.GetInt64(2) != 0, JsonSerializer.Serialize(row));
    }

    private static void Flag(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?>? image)
    {
        if (image is null) sql.Append("FALSE");
        else ChangeStatements.ImageCondition(sql, plan, image);
    }

    // NULL counts as oldest. A tie goes to the forward task's source: forward writes win it, reverse writes lose it.
    private void SourceIsNewer(StringBuilder sql, (string Name, int Index) column, IReadOnlyList<object?> after)
    {
        var name = MySqlSyntax.QuoteIdentifier(column.Name);
        var value = after[column.Index];
        if (value is null)
        {
            sql.Append(_direction == Direction.Forward ? $"({name} IS NULL)" : "FALSE");
            return;
        }
        sql.Append('(').Append(name).Append(" IS NULL OR ").Append(name).Append(_direction == Direction.Forward ? " <= " : " < ");
        SqlLiterals.AppendComparable(sql, value);
        sql.Append(')');
    }

    /// <summary>A column as the conflict log shows it: binary values in hex, the rest as text.</summary>
    private static string DisplayExpression(Model.ColumnSchema column)
    {
        var name = MySqlSyntax.QuoteIdentifier(column.Name);
        return DisplayForm.Of(column) switch
        {
            DisplayForm.Kind.Hex => $"CONCAT('0x', HEX({name}))",
            DisplayForm.Kind.Bits => $"CONCAT('b''', BIN({name}), '''')",
            _ => $"CAST({name} AS CHAR)",
        };
    }

    private static string RowJson(TableApplyPlan plan, IReadOnlyList<object?> row) =>
        JsonSerializer.Serialize(plan.Columns.ToDictionary(c => c.Name, c => Display(row[c.Index])));

    internal static string? Display(object? value) => value switch
    {
        null => null,
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Sources.MySql.Values.MySqlGeometry g => "0x" + Convert.ToHexString(g.Bytes.Span),
        Sources.MySql.Values.MySqlBit b => "b'" + Convert.ToString((long)b.Value, 2) + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>The policy's writes for one change, inside the apply transaction.</summary>
    private sealed class Writer(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, CancellationToken cancellationToken)
    {
        public Task ReplaceAsync(IReadOnlyList<object?> after) => RunAsync(sql => ChangeStatements.Replace(sql, plan, after));

        public Task DeleteAsync(IReadOnlyList<object?> before) => RunAsync(sql => ChangeStatements.Delete(sql, plan, before, wholeBefore: false));

        /// <summary>Updates by key; false when the new values collide with another row's key.</summary>
        public async Task<bool> TryUpdateAsync(IReadOnlyList<object?> before, IReadOnlyList<object?> after)
        {
            try
            {
                await RunAsync(sql => ChangeStatements.Update(sql, plan, before, after, wholeBefore: false)).ConfigureAwait(false);
                return true;
            }
            catch (MySqlException e) when (IsKeyCollision(e))
            {
                return false;
            }
        }

        private async Task RunAsync(Action<StringBuilder> build)
        {
            var sql = new StringBuilder();
            build(sql);
            await using var command = new MySqlCommand(sql.ToString(), target, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
