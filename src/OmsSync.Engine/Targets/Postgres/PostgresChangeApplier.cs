using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using System.Text;
using System.Text.Json;
using Npgsql;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Targets.Postgres;

/// <summary>
/// Writes the row changes of MySQL-family source transactions to PostgreSQL inside one open target transaction, in
/// source order, as plain statements sent in batches (each statement's row count comes back on its own). While
/// catching up on changes made during the full copy, writes are idempotent (INSERT ... ON CONFLICT DO UPDATE, DELETE);
/// after that they are strict, and a write that changes no row is a conflict, recorded and handled by the policy.
/// </summary>
internal sealed class PostgresChangeApplier
{
    private const int StatementsPerRoundTrip = 1_000;

    private readonly string _task;
    private readonly Direction _direction;
    private readonly Func<TableApplyPlan, PostgresTablePlan> _plan;

    /// <param name="plan">The PostgreSQL plan of a source table's apply plan.</param>
    public PostgresChangeApplier(string task, Direction direction, Func<TableApplyPlan, PostgresTablePlan> plan)
    {
        _task = task;
        _direction = direction;
        _plan = plan;
    }

    private enum StatementKind { Insert, Update, Delete, Other }

    public async Task ApplyAsync(NpgsqlConnection target, NpgsqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        bool idempotent, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        var batch = new List<(string Sql, PostgresTablePlan Plan, RowChange Change, StatementKind Kind)>();
        foreach (var (source, change) in changes)
        {
            var plan = _plan(source);
            foreach (var (sql, kind) in Statements(plan, change, idempotent))
                batch.Add((sql, plan, change, kind));
            if (batch.Count >= StatementsPerRoundTrip)
                await ExecuteAsync(target, transaction, batch, conflicts, cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(target, transaction, batch, conflicts, cancellationToken).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(NpgsqlConnection target, NpgsqlTransaction transaction,
        List<(string Sql, PostgresTablePlan Plan, RowChange Change, StatementKind Kind)> statements, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        if (statements.Count == 0) return;
        await using var batch = new NpgsqlBatch(target, transaction);
        foreach (var statement in statements)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement.Sql));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < statements.Count; i++)
            if (statements[i].Kind != StatementKind.Other && batch.BatchCommands[i].RecordsAffected == 0)
                await HandleNoEffectAsync(target, transaction, statements[i].Plan, statements[i].Change, statements[i].Kind, conflicts, cancellationToken).ConfigureAwait(false);
        statements.Clear();
    }

    private static IEnumerable<(string Sql, StatementKind Kind)> Statements(PostgresTablePlan plan, RowChange change, bool idempotent)
    {
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
                yield return idempotent ? (Upsert(plan, change.After!), StatementKind.Other) : (Insert(plan, change.After!), StatementKind.Insert);
                break;
            case RowChangeKind.Delete:
                if (idempotent && plan.Source.Cascades(change))
                    foreach (var child in ChildrenOfDeleted(plan, change.Before!)) yield return (child, StatementKind.Other);
                yield return (Delete(plan, change.Before!), idempotent ? StatementKind.Other : StatementKind.Delete);
                break;
            default:
                if (idempotent && plan.HasKey)
                {
                    // A key others reference moved: the update cascades through the target's foreign keys (a delete would remove
                    // the rows that reference it); then the row is made exactly the source's.
                    if (plan.Source.Cascades(change)) yield return (Update(plan, change.Before!, change.After!), StatementKind.Other);
                    else if (ChangeStatements.KeyChanged(plan.Source, change)) yield return (Delete(plan, change.Before!), StatementKind.Other);
                    yield return (Upsert(plan, change.After!), StatementKind.Other);
                }
                else
                {
                    yield return (Update(plan, change.Before!, change.After!), idempotent ? StatementKind.Other : StatementKind.Update);
                }
                break;
        }
    }

    /// <summary>
    /// While catching up on the copy's window the deleted parent may be missing on the target already (copied after the
    /// delete) while rows its delete cascaded to are there (copied before it): their delete actions are done explicitly,
    /// by the parent's key, before the parent's own; the target's foreign keys act further down.
    /// </summary>
    private static IEnumerable<string> ChildrenOfDeleted(PostgresTablePlan plan, IReadOnlyList<object?> before)
    {
        foreach (var child in plan.Source.Cascading.Children)
        {
            var parent = child.ReferencedColumns.Select(c => plan.Columns.FirstOrDefault(p => string.Equals(p.Name, c, StringComparison.Ordinal))).ToList();
            if (parent.Any(p => p is null)) continue; // a referenced column the task does not move: the target's key alone acts
            var where = new StringBuilder();
            for (var i = 0; i < child.Columns.Count; i++)
            {
                if (i > 0) where.Append(" AND ");
                where.Append(Schema.Postgres.PostgresSyntax.QuoteIdentifier(child.Columns[i])).Append(" = ");
                parent[i]!.Literals.Append(where, before[parent[i]!.Index]);
            }
            var table = Schema.Postgres.PostgresSyntax.QuoteQualified(child.Database, child.Table);
            yield return child.OnDelete == ForeignKeyAction.Cascade
                ? $"DELETE FROM {table} WHERE {where}"
                : $"UPDATE {table} SET {string.Join(", ", child.Columns.Select(c => Schema.Postgres.PostgresSyntax.QuoteIdentifier(c) + (child.OnDelete == ForeignKeyAction.SetNull ? " = NULL" : " = DEFAULT")))} WHERE {where}";
        }
    }

    // A duplicate key is not an error here: no row inserted marks the conflict.
    private static string Insert(PostgresTablePlan plan, IReadOnlyList<object?> row)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") VALUES (");
        plan.Values(sql, row);
        return sql.Append(") ON CONFLICT DO NOTHING").ToString();
    }

    /// <summary>The row as the source has it, whether or not the target has it already.</summary>
    private static string Upsert(PostgresTablePlan plan, IReadOnlyList<object?> row)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") ");
        if (!plan.HasKey)
        {
            // Without a key a replayed insert cannot be told from a new one; while catching up on the copy's window,
            // an identical row already there is taken to be this one (documented for keyless tables).
            sql.Append("SELECT ");
            plan.Values(sql, row, typed: true);
            sql.Append(" WHERE NOT EXISTS (SELECT 1 FROM ").Append(plan.Target).Append(" WHERE ");
            plan.Match(sql, row);
            return sql.Append(')').ToString();
        }
        sql.Append("VALUES (");
        plan.Values(sql, row);
        sql.Append(") ON CONFLICT (").Append(string.Join(", ", plan.KeyColumns.Select(k => k.Quoted))).Append(')');
        var others = plan.Columns.Where(c => plan.KeyColumns.All(k => k.Name != c.Name)).ToList();
        return (others.Count == 0 ? sql.Append(" DO NOTHING")
            : sql.Append(" DO UPDATE SET ").Append(string.Join(", ", others.Select(c => $"{c.Quoted} = EXCLUDED.{c.Quoted}")))).ToString();
    }

    private static string Update(PostgresTablePlan plan, IReadOnlyList<object?> before, IReadOnlyList<object?> after)
    {
        var sql = new StringBuilder("UPDATE ").Append(plan.Target).Append(" SET ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(plan.Columns[i].Quoted).Append(" = ");
            plan.Columns[i].Literals.Append(sql, after[plan.Columns[i].Index]);
        }
        plan.Where(sql, before);
        return sql.ToString();
    }

    private static string Delete(PostgresTablePlan plan, IReadOnlyList<object?> before)
    {
        var sql = new StringBuilder("DELETE FROM ").Append(plan.Target);
        plan.Where(sql, before);
        return sql.ToString();
    }

    // A strict write changed no row: the target disagreed with the source. Record it and apply the policy.
    private async Task HandleNoEffectAsync(NpgsqlConnection target, NpgsqlTransaction transaction, PostgresTablePlan plan, RowChange change,
        StatementKind kind, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        var type = kind switch
        {
            StatementKind.Insert => ConflictType.InsertExists,
            StatementKind.Update => ConflictType.UpdateMissing,
            _ => ConflictType.DeleteMissing,
        };
        var policy = plan.Source.Rule.Policy;
        var outcome = "KeptTarget";
        if (policy == ConflictPolicy.Overwrite && type is ConflictType.InsertExists or ConflictType.UpdateMissing && plan.HasKey)
        {
            await using var overwrite = new NpgsqlCommand(Upsert(plan, change.After!), target, transaction);
            await overwrite.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            outcome = "AppliedSource";
        }
        var keyRow = kind == StatementKind.Insert ? change.After! : change.Before!;
        conflicts.Add(new ConflictRecord
        {
            Task = _task,
            Direction = _direction,
            Table = plan.Source.Table.Mapping.Target,
            Key = JsonSerializer.Serialize(plan.KeyColumns.ToDictionary(k => k.Name, k => ConflictResolver.Display(keyRow[k.Index]))),
            Type = type,
            SourceBefore = change.Before is null ? null : RowJson(plan, change.Before),
            SourceAfter = change.After is null ? null : RowJson(plan, change.After),
            Policy = policy,
            Outcome = outcome,
        });
    }

    private static string RowJson(PostgresTablePlan plan, IReadOnlyList<object?> row) =>
        JsonSerializer.Serialize(plan.Columns.ToDictionary(c => c.Name, c => ConflictResolver.Display(row[c.Index])));
}
