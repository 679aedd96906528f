using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Writes the row changes of source transactions to a MySQL-family target inside one open target
/// transaction, in source order. While catching up on changes made during the full copy, writes are
/// idempotent (REPLACE, DELETE); after that they are strict and a write that finds the target different
/// from what the source saw is a conflict, recorded and handled by the policy.
/// </summary>
internal sealed class ChangeApplier
{
    private readonly string _task;
    private readonly Direction _direction;
    private readonly ConflictPolicy _policy;

    public ChangeApplier(string task, Direction direction, ConflictPolicy policy)
    {
        _task = task;
        _direction = direction;
        _policy = policy;
    }

    public async Task<long> ApplyAsync(MySqlConnection target, MySqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes,
        bool idempotent, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return 0;
        // One round trip for the whole group. In strict mode each write is followed by SELECT ROW_COUNT(),
        // whose result sets come back in order and tell which writes found nothing to change.
        var batch = new MySqlBatch(target, transaction);
        var owners = new List<(TableApplyPlan Plan, BinlogRowChange Change, StatementKind Kind)>();
        foreach (var (plan, change) in changes)
            foreach (var (command, kind) in Statements(plan, change, idempotent))
            {
                batch.BatchCommands.Add(command);
                if (kind == StatementKind.Other) continue;
                batch.BatchCommands.Add(new MySqlBatchCommand("SELECT ROW_COUNT()"));
                owners.Add((plan, change, kind));
            }
        if (owners.Count == 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return changes.Count;
        }
        var counts = new List<long>(owners.Count);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    counts.Add(reader.GetInt64(0));
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }
        if (counts.Count != owners.Count)
            throw new InvalidOperationException($"Expected {owners.Count} row counts from the target, got {counts.Count}.");
        for (var i = 0; i < owners.Count; i++)
            if (counts[i] == 0)
                await HandleNoEffectAsync(target, transaction, owners[i].Plan, owners[i].Change, owners[i].Kind, conflicts, cancellationToken).ConfigureAwait(false);
        return changes.Count;
    }

    private enum StatementKind { Insert, Update, Delete, Other }

    private static IEnumerable<(MySqlBatchCommand, StatementKind)> Statements(TableApplyPlan plan, BinlogRowChange change, bool idempotent)
    {
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
                yield return (idempotent ? Replace(plan, change.After!) : Insert(plan, change.After!), idempotent ? StatementKind.Other : StatementKind.Insert);
                break;
            case RowChangeKind.Delete:
                yield return (Delete(plan, change.Before!), idempotent ? StatementKind.Other : StatementKind.Delete);
                break;
            default:
                if (idempotent && plan.HasKey)
                {
                    if (KeyChanged(plan, change)) yield return (Delete(plan, change.Before!), StatementKind.Other);
                    yield return (Replace(plan, change.After!), StatementKind.Other);
                }
                else
                {
                    yield return (Update(plan, change.Before!, change.After!), idempotent ? StatementKind.Other : StatementKind.Update);
                }
                break;
        }
    }

    private static MySqlBatchCommand Insert(TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        var command = new MySqlBatchCommand();
        var values = AddValues(command, plan, row, "v");
        // A duplicate key is not an error here: the no-op update reports 0 rows, which marks the conflict.
        var firstKey = Connections.MySqlEndpoint.Quote(plan.KeyColumns[0].Name);
        command.CommandText = plan.HasKey
            ? $"INSERT INTO {plan.Target} ({plan.ColumnList}) VALUES ({values}) ON DUPLICATE KEY UPDATE {firstKey} = {firstKey}"
            : $"INSERT INTO {plan.Target} ({plan.ColumnList}) VALUES ({values})";
        return command;
    }

    private static MySqlBatchCommand Replace(TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        var command = new MySqlBatchCommand();
        var values = AddValues(command, plan, row, "v");
        if (plan.HasKey)
        {
            command.CommandText = $"REPLACE INTO {plan.Target} ({plan.ColumnList}) VALUES ({values})";
            return command;
        }
        // Without a key a replayed insert cannot be told from a new one; while catching up on the copy's
        // window, an identical row already there is taken to be this one (documented for keyless tables).
        var same = string.Join(" AND ", plan.Columns.Select((c, i) => $"{Connections.MySqlEndpoint.Quote(c.Name)} <=> @v{i}"));
        command.CommandText = $"INSERT INTO {plan.Target} ({plan.ColumnList}) SELECT {values} FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM {plan.Target} WHERE {same})";
        return command;
    }

    private static MySqlBatchCommand Update(TableApplyPlan plan, IReadOnlyList<object?> before, IReadOnlyList<object?> after)
    {
        var command = new MySqlBatchCommand();
        var sets = new List<string>();
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            command.Parameters.AddWithValue($"@s{i}", ValueParameters.ToParameter(after[plan.Columns[i].Index]));
            sets.Add($"{Connections.MySqlEndpoint.Quote(plan.Columns[i].Name)} = @s{i}");
        }
        command.CommandText = $"UPDATE {plan.Target} SET {string.Join(", ", sets)} WHERE {KeyCondition(command, plan, before)}{plan.Limit}";
        return command;
    }

    private static MySqlBatchCommand Delete(TableApplyPlan plan, IReadOnlyList<object?> before)
    {
        var command = new MySqlBatchCommand();
        command.CommandText = $"DELETE FROM {plan.Target} WHERE {KeyCondition(command, plan, before)}{plan.Limit}";
        return command;
    }

    private static string AddValues(MySqlBatchCommand command, TableApplyPlan plan, IReadOnlyList<object?> row, string prefix)
    {
        var names = new string[plan.Columns.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = $"@{prefix}{i}";
            command.Parameters.AddWithValue(names[i], ValueParameters.ToParameter(row[plan.Columns[i].Index]));
        }
        return string.Join(", ", names);
    }

    private static string KeyCondition(MySqlBatchCommand command, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        var parts = new List<string>();
        for (var i = 0; i < plan.KeyColumns.Count; i++)
        {
            var value = row[plan.KeyColumns[i].Index];
            var column = Connections.MySqlEndpoint.Quote(plan.KeyColumns[i].Name);
            if (value is null)
            {
                parts.Add($"{column} IS NULL");
                continue;
            }
            command.Parameters.AddWithValue($"@k{i}", ValueParameters.ToKeyParameter(value));
            parts.Add($"{column} = @k{i}");
        }
        return string.Join(" AND ", parts);
    }

    private static bool KeyChanged(TableApplyPlan plan, BinlogRowChange change) =>
        plan.KeyColumns.Any(k => !Equals(change.Before![k.Index], change.After![k.Index]) &&
                                 !(change.Before![k.Index] is byte[] a && change.After![k.Index] is byte[] b && a.AsSpan().SequenceEqual(b)));

    // A strict write changed nothing: find out whether the target disagreed with the source, and apply the policy.
    private async Task HandleNoEffectAsync(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, BinlogRowChange change,
        StatementKind kind, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        var keyRow = kind == StatementKind.Insert ? change.After! : change.Before!;
        var exists = await ExistsAsync(target, transaction, plan, keyRow, cancellationToken).ConfigureAwait(false);
        ConflictType? type = kind switch
        {
            StatementKind.Insert => ConflictType.InsertExists,                  // the insert met an existing row
            StatementKind.Update when !exists => ConflictType.UpdateMissing,    // an existing row equal to the after image is no conflict
            StatementKind.Delete => ConflictType.DeleteMissing,
            _ => null,
        };
        if (type is null) return;
        var outcome = "KeptTarget";
        if (_policy == ConflictPolicy.Overwrite && type is ConflictType.InsertExists or ConflictType.UpdateMissing)
        {
            await using var overwrite = new MySqlCommand { Connection = target, Transaction = transaction };
            var command = Replace(plan, change.After!);
            overwrite.CommandText = command.CommandText;
            foreach (MySqlParameter p in command.Parameters) overwrite.Parameters.AddWithValue(p.ParameterName, p.Value);
            await overwrite.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            outcome = "AppliedSource";
        }
        conflicts.Add(new ConflictRecord
        {
            Task = _task,
            Direction = _direction,
            Table = plan.Table.Mapping.Target,
            Key = JsonSerializer.Serialize(plan.KeyColumns.ToDictionary(k => k.Name, k => Display(keyRow[k.Index]))),
            Type = type.Value,
            SourceBefore = change.Before is null ? null : RowJson(plan, change.Before),
            SourceAfter = change.After is null ? null : RowJson(plan, change.After),
            Policy = _policy,
            Outcome = outcome,
        });
    }

    private static async Task<bool> ExistsAsync(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, IReadOnlyList<object?> row,
        CancellationToken cancellationToken)
    {
        var probe = new MySqlBatchCommand();
        var condition = KeyCondition(probe, plan, row);
        await using var command = new MySqlCommand($"SELECT 1 FROM {plan.Target} WHERE {condition} LIMIT 1", target, transaction);
        foreach (MySqlParameter p in probe.Parameters) command.Parameters.AddWithValue(p.ParameterName, p.Value);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static string RowJson(TableApplyPlan plan, IReadOnlyList<object?> row) =>
        JsonSerializer.Serialize(plan.Columns.ToDictionary(c => c.Name, c => Display(row[c.Index])));

    internal static string? Display(object? value) => value switch
    {
        null => null,
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
