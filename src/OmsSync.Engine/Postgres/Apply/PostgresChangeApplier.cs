using OmsSync.Engine.Errors;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using System.Text;
using Npgsql;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>
/// Writes the row changes of MySQL-family source transactions to PostgreSQL inside one open target transaction, in
/// source order, as plain statements sent in batches (each statement's row count comes back on its own). While
/// catching up on changes made during the full copy, writes are idempotent (INSERT ... ON CONFLICT DO UPDATE, DELETE).
/// After that they are strict: a batch goes after a savepoint, and when a statement changes no row or breaks a key, the
/// batch goes back to the savepoint, what preceded that statement is written again, and its change is settled on its own
/// by <see cref="ConflictResolver"/>, against the row as it is at that point: conflicts are judged in source order.
/// </summary>
internal sealed class PostgresChangeApplier
{
    private const int StatementsPerRoundTrip = 1_000;
    // After a conflict, batches restart small and double while clean.
    private const int WindowAfterConflict = 8;

    private readonly Func<TableApplyPlan, PostgresTablePlan> _plan;
    private readonly ConflictResolver _resolver;

    /// <param name="plan">The PostgreSQL plan of a source table's apply plan.</param>
    public PostgresChangeApplier(string task, Direction direction, Func<TableApplyPlan, PostgresTablePlan> plan)
    {
        _plan = plan;
        _resolver = new ConflictResolver(task, direction);
    }

    public async Task ApplyAsync(NpgsqlConnection target, NpgsqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        bool idempotent, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        if (idempotent)
        {
            foreach (var chunk in changes.Chunk(StatementsPerRoundTrip))
                await ExecuteAsync(target, transaction, chunk.SelectMany(c => Keyed(_plan(c.Plan), c.Change, () => Idempotent(_plan(c.Plan), c.Change).ToList())).ToList(), cancellationToken).ConfigureAwait(false);
            return;
        }
        var next = 0;
        var window = StatementsPerRoundTrip;
        var redone = 0;
        while (next < changes.Count)
        {
            if (changes[next].Change.IsEcho)
            {
                // A delete coming back from the other direction mostly finds nothing left to delete: it is settled on its own.
                await ResolveAsync(target, transaction, changes[next].Plan, changes[next].Change, conflicts, cancellationToken).ConfigureAwait(false);
                next++;
                continue;
            }
            var end = next;
            var statements = new List<string> { "SAVEPOINT oms_run" };
            while (end < changes.Count && end - next < window && !changes[end].Change.IsEcho)
            {
                statements.Add(Keyed(_plan(changes[end].Plan), changes[end].Change, () => Strict(_plan(changes[end].Plan), changes[end].Change)));
                end++;
            }
            var failed = await FirstFailedAsync(target, transaction, statements, cancellationToken).ConfigureAwait(false);
            if (failed < 0)
            {
                next = end;
                window = Math.Min(window * 2, StatementsPerRoundTrip);
                continue;
            }
            // Back to the savepoint, with what preceded the failing statement written again in the same round trip, so the
            // failing change meets the target as it did. Rolling back lets go of the run's row locks: another writer may
            // have changed one of those rows in between, and then the run goes again from its start (checked, not lost).
            List<string> again = ["ROLLBACK TO SAVEPOINT oms_run", .. statements.Skip(1).Take(failed)];
            if (!await RedoneAsync(target, transaction, again, cancellationToken).ConfigureAwait(false))
            {
                redone = ConflictResolver.CountRedone(redone, changes[next].Plan.Table.Mapping.Target);
                window = WindowAfterConflict;
                continue;
            }
            redone = 0;
            var (plan, change) = changes[next + failed];
            await ResolveAsync(target, transaction, plan, change, conflicts, cancellationToken).ConfigureAwait(false);
            next += failed + 1;
            window = WindowAfterConflict;
        }
    }

    private async Task ResolveAsync(NpgsqlConnection target, NpgsqlTransaction transaction, TableApplyPlan source, RowChange change, List<ConflictRecord> conflicts,
        CancellationToken cancellationToken)
    {
        var plan = _plan(source);
        if (await _resolver.ResolveAsync(new PostgresConflictRows(target, transaction, plan), source.Rule, change, source.MovesKey(change), cancellationToken).ConfigureAwait(false) is { } conflict)
            conflicts.Add(conflict);
    }

    /// <summary>The index (after the savepoint) of the first statement that changed no row or broke a key; -1 when all went through.</summary>
    private static async Task<int> FirstFailedAsync(NpgsqlConnection target, NpgsqlTransaction transaction, List<string> statements, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(target, transaction);
        foreach (var statement in statements)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation && e.BatchCommand is { } failing)
        {
            // A statement before the one that broke a key may have changed no row: that one comes first.
            var broke = batch.BatchCommands.IndexOf(failing);
            return FirstUnchanged(batch, broke) is var unchanged and >= 0 ? unchanged : broke - 1;
        }
        return FirstUnchanged(batch, statements.Count);
    }

    /// <summary>The index (after the savepoint) of the first statement before <paramref name="end"/> that changed no row; -1 when none.</summary>
    private static int FirstUnchanged(NpgsqlBatch batch, int end)
    {
        for (var i = 1; i < end; i++)
            if (batch.BatchCommands[i].RecordsAffected == 0) return i - 1;
        return -1;
    }

    /// <summary>
    /// Runs a rollback to the savepoint and the statements after it, each of which went through a moment ago; false (and
    /// rolled back to the savepoint again) when one of them no longer changes a row or breaks a key.
    /// </summary>
    private static async Task<bool> RedoneAsync(NpgsqlConnection target, NpgsqlTransaction transaction, List<string> statements, CancellationToken cancellationToken)
    {
        // The rollback takes the savepoint's place at the head of the batch, so the first run's check serves.
        if (await FirstFailedAsync(target, transaction, statements, cancellationToken).ConfigureAwait(false) < 0) return true;
        await ExecuteAsync(target, transaction, ["ROLLBACK TO SAVEPOINT oms_run"], cancellationToken).ConfigureAwait(false);
        return false;
    }

    private static async Task ExecuteAsync(NpgsqlConnection target, NpgsqlTransaction transaction, List<string> statements, CancellationToken cancellationToken)
    {
        if (statements.Count == 0) return;
        await using var batch = new NpgsqlBatch(target, transaction);
        foreach (var statement in statements)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A change's statements as <paramref name="write"/> writes them; a value refused meanwhile is named with its row's key.</summary>
    private static T Keyed<T>(PostgresTablePlan plan, RowChange change, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (OmsException e) when (NotRepresentable.LacksKey(e))
        {
            throw NotRepresentable.WithKey(e, plan.KeyOf(change.After ?? change.Before!));
        }
    }

    /// <summary>A strict write: it changes exactly one row, or none when the target disagrees with the source (a conflict).</summary>
    private static string Strict(PostgresTablePlan plan, RowChange change)
    {
        var wholeBefore = plan.Source.Rule.ChecksBeforeImage && change.WholeBefore;
        return change.Kind switch
        {
            RowChangeKind.Insert => Insert(plan, change.After!),
            RowChangeKind.Delete => Delete(plan, change.Before!, wholeBefore),
            _ => Update(plan, change.Before!, change.After!, wholeBefore),
        };
    }

    private static IEnumerable<string> Idempotent(PostgresTablePlan plan, RowChange change)
    {
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
                yield return Upsert(plan, change.After!);
                break;
            case RowChangeKind.Delete:
                if (plan.Source.Cascades(change))
                    foreach (var child in ChildrenOfDeleted(plan, change.Before!)) yield return child;
                yield return Delete(plan, change.Before!, wholeBefore: false);
                break;
            default:
                if (plan.HasKey)
                {
                    // A key others reference moved: the update cascades through the target's foreign keys (a delete would remove
                    // the rows that reference it); then the row is made exactly the source's.
                    if (plan.Source.Cascades(change)) yield return Update(plan, change.Before!, change.After!, wholeBefore: false);
                    else if (plan.Source.MovesKey(change)) yield return Delete(plan, change.Before!, wholeBefore: false);
                    yield return Upsert(plan, change.After!);
                }
                else
                {
                    yield return Update(plan, change.Before!, change.After!, wholeBefore: false);
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
                where.Append(PostgresSyntax.QuoteIdentifier(child.Columns[i])).Append(" = ");
                parent[i]!.Literals.Append(where, before[parent[i]!.Index]);
            }
            var table = PostgresSyntax.QuoteQualified(child.Database, child.Table);
            yield return child.OnDelete == ForeignKeyAction.Cascade
                ? $"DELETE FROM {table} WHERE {where}"
                : $"UPDATE {table} SET {string.Join(", ", child.Columns.Select(c => PostgresSyntax.QuoteIdentifier(c) + (child.OnDelete == ForeignKeyAction.SetNull ? " = NULL" : " = DEFAULT")))} WHERE {where}";
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

    private static string Update(PostgresTablePlan plan, IReadOnlyList<object?> before, IReadOnlyList<object?> after, bool wholeBefore)
    {
        var sql = new StringBuilder("UPDATE ").Append(plan.Target).Append(" SET ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(plan.Columns[i].Quoted).Append(" = ");
            plan.Columns[i].Literals.Append(sql, after[plan.Columns[i].Index]);
        }
        plan.Where(sql, before, wholeBefore);
        return sql.ToString();
    }

    private static string Delete(PostgresTablePlan plan, IReadOnlyList<object?> before, bool wholeBefore)
    {
        var sql = new StringBuilder("DELETE FROM ").Append(plan.Target);
        plan.Where(sql, before, wholeBefore);
        return sql.ToString();
    }
}
