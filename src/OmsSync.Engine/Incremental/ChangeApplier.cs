using OmsSync.Engine.Schema;
using System.Text;
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

    private const int MaxCommandChars = 4 << 20;

    public async Task<long> ApplyAsync(MySqlConnection target, MySqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, BinlogRowChange Change)> changes,
        bool idempotent, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return 0;
        // Statements go as plain text in few round trips. In strict mode each write is followed by
        // SELECT ROW_COUNT(), whose results come back in order and tell which writes found nothing to change.
        var sql = new StringBuilder();
        var owners = new List<(TableApplyPlan Plan, BinlogRowChange Change, StatementKind Kind)>();
        var counts = new List<long>();
        foreach (var (plan, change) in changes)
        {
            foreach (var kind in Statements(sql, plan, change, idempotent))
            {
                sql.Append(";\n");
                if (kind == StatementKind.Other) continue;
                sql.Append("SELECT ROW_COUNT();\n");
                owners.Add((plan, change, kind));
            }
            if (sql.Length > MaxCommandChars)
                await ExecuteAsync(target, transaction, sql, counts, cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(target, transaction, sql, counts, cancellationToken).ConfigureAwait(false);
        if (counts.Count != owners.Count)
            throw new InvalidOperationException($"Expected {owners.Count} row counts from the target, got {counts.Count}.");
        for (var i = 0; i < owners.Count; i++)
            if (counts[i] == 0)
                await HandleNoEffectAsync(target, transaction, owners[i].Plan, owners[i].Change, owners[i].Kind, conflicts, cancellationToken).ConfigureAwait(false);
        return changes.Count;
    }

    private static async Task ExecuteAsync(MySqlConnection target, MySqlTransaction transaction, StringBuilder sql, List<long> counts,
        CancellationToken cancellationToken)
    {
        if (sql.Length == 0) return;
        await using var command = new MySqlCommand(sql.ToString(), target, transaction);
        sql.Clear();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                counts.Add(reader.GetInt64(0));
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
    }

    private enum StatementKind { Insert, Update, Delete, Other }

    /// <summary>Appends the statements for one change (without their terminators) and says what each is, in order.</summary>
    private static IEnumerable<StatementKind> Statements(StringBuilder sql, TableApplyPlan plan, BinlogRowChange change, bool idempotent)
    {
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
                if (idempotent) { Replace(sql, plan, change.After!); yield return StatementKind.Other; }
                else { Insert(sql, plan, change.After!); yield return StatementKind.Insert; }
                break;
            case RowChangeKind.Delete:
                Delete(sql, plan, change.Before!);
                yield return idempotent ? StatementKind.Other : StatementKind.Delete;
                break;
            default:
                if (idempotent && plan.HasKey)
                {
                    if (KeyChanged(plan, change))
                    {
                        Delete(sql, plan, change.Before!);
                        yield return StatementKind.Other;
                    }
                    Replace(sql, plan, change.After!);
                    yield return StatementKind.Other;
                }
                else
                {
                    Update(sql, plan, change.Before!, change.After!);
                    yield return idempotent ? StatementKind.Other : StatementKind.Update;
                }
                break;
        }
    }

    private static void Insert(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        sql.Append("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") VALUES (");
        Values(sql, plan, row);
        sql.Append(')');
        if (!plan.HasKey) return;
        // A duplicate key is not an error here: the no-op update reports 0 rows, which marks the conflict.
        var firstKey = MySqlSyntax.QuoteIdentifier(plan.KeyColumns[0].Name);
        sql.Append(" ON DUPLICATE KEY UPDATE ").Append(firstKey).Append(" = ").Append(firstKey);
    }

    private static void Replace(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        if (plan.HasKey)
        {
            sql.Append("REPLACE INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") VALUES (");
            Values(sql, plan, row);
            sql.Append(')');
            return;
        }
        // Without a key a replayed insert cannot be told from a new one; while catching up on the copy's
        // window, an identical row already there is taken to be this one (documented for keyless tables).
        sql.Append("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") SELECT ");
        Values(sql, plan, row);
        sql.Append(" FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM ").Append(plan.Target).Append(" WHERE ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(" AND ");
            sql.Append(MySqlSyntax.QuoteIdentifier(plan.Columns[i].Name)).Append(" <=> ");
            SqlLiterals.Append(sql, row[plan.Columns[i].Index]);
        }
        sql.Append(')');
    }

    private static void Update(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> before, IReadOnlyList<object?> after)
    {
        sql.Append("UPDATE ").Append(plan.Target).Append(" SET ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(MySqlSyntax.QuoteIdentifier(plan.Columns[i].Name)).Append(" = ");
            SqlLiterals.Append(sql, after[plan.Columns[i].Index]);
        }
        sql.Append(" WHERE ");
        KeyCondition(sql, plan, before);
        sql.Append(plan.Limit);
    }

    private static void Delete(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> before)
    {
        sql.Append("DELETE FROM ").Append(plan.Target).Append(" WHERE ");
        KeyCondition(sql, plan, before);
        sql.Append(plan.Limit);
    }

    private static void Values(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            SqlLiterals.Append(sql, row[plan.Columns[i].Index]);
        }
    }

    private static void KeyCondition(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        for (var i = 0; i < plan.KeyColumns.Count; i++)
        {
            if (i > 0) sql.Append(" AND ");
            var value = row[plan.KeyColumns[i].Index];
            sql.Append(MySqlSyntax.QuoteIdentifier(plan.KeyColumns[i].Name));
            if (value is null)
            {
                sql.Append(" IS NULL");
                continue;
            }
            sql.Append(" = ");
            SqlLiterals.AppendKey(sql, value);
        }
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
            var sql = new StringBuilder();
            Replace(sql, plan, change.After!);
            await using var overwrite = new MySqlCommand(sql.ToString(), target, transaction);
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
        var sql = new StringBuilder("SELECT 1 FROM ").Append(plan.Target).Append(" WHERE ");
        KeyCondition(sql, plan, row);
        sql.Append(" LIMIT 1");
        await using var command = new MySqlCommand(sql.ToString(), target, transaction);
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
