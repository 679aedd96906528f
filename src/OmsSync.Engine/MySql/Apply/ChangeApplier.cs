using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// Writes the row changes of source transactions to a MySQL-family target inside one open target
/// transaction, in source order. While catching up on changes made during the full copy, writes are
/// idempotent (REPLACE, DELETE). After that they are strict: a write that finds the target different from
/// what the source saw is a conflict, handled by the table's policy (see <see cref="ConflictResolver"/>).
/// </summary>
/// <remarks>
/// Strict writes go optimistically, many statements per round trip after a savepoint; when each changed
/// exactly one row, all went through. Otherwise the run is rolled back and sent again with SELECT ROW_COUNT()
/// after every statement: the first that changed nothing or hit a duplicate key marks a possible conflict.
/// Because the statements after it already ran, the target is rolled back to the savepoint again, the ones
/// before it are written again (checked to change what they changed before: another writer may have slipped in
/// at the rollback), and the suspect change is handled on its own, reading the target row as it is at that
/// point. So conflicts are judged in exact source order, and the common case costs one round trip.
/// </remarks>
internal sealed class ChangeApplier
{
    private const int MaxCommandChars = 4 << 20;
    // After a conflict, optimistic runs restart small and double while clean, so a burst of conflicts
    // does not make every run roll back a large batch.
    private const int WindowAfterConflict = 8;

    private readonly ConflictResolver _resolver;
    private readonly NetChangeWriter _net = new();

    public ChangeApplier(string task, Direction direction) => _resolver = new ConflictResolver(task, direction);

    private async Task ResolveAsync(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, RowChange change, List<ConflictRecord> conflicts,
        CancellationToken cancellationToken)
    {
        var rows = new MySqlConflictRows(target, transaction, plan);
        if (await _resolver.ResolveAsync(rows, plan.Rule, change, plan.MovesKey(change), cancellationToken).ConfigureAwait(false) is { } conflict)
            conflicts.Add(conflict);
    }

    /// <param name="parallel">Other lanes write beside this transaction (see <see cref="NetChangeWriter"/>).</param>
    public async Task<long> ApplyAsync(MySqlConnection target, MySqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        bool idempotent, bool parallel, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return 0;
        if (idempotent)
            await ApplyIdempotentAsync(target, transaction, changes, cancellationToken).ConfigureAwait(false);
        else
            await ApplyStrictAsync(target, transaction, changes, parallel, conflicts, cancellationToken).ConfigureAwait(false);
        return changes.Count;
    }

    private static async Task ApplyIdempotentAsync(MySqlConnection target, MySqlTransaction transaction,
        IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder();
        foreach (var (plan, change) in changes)
        {
            switch (change.Kind)
            {
                case RowChangeKind.Insert:
                    ChangeStatements.Replace(sql, plan, change.After!);
                    break;
                case RowChangeKind.Delete:
                    Cascading(sql, plan, change, () =>
                    {
                        ChildrenOfDeleted(sql, plan, change.Before!);
                        ChangeStatements.Delete(sql, plan, change.Before!, wholeBefore: false);
                    });
                    break;
                default:
                    if (plan.HasKey)
                    {
                        if (plan.Cascades(change))
                        {
                            // A key others reference moved: the update cascades, then the row is made exactly the source's.
                            Cascading(sql, plan, change, () => ChangeStatements.Update(sql, plan, change.Before!, change.After!, wholeBefore: false));
                            sql.Append(";\n");
                        }
                        else if (plan.MovesKey(change))
                        {
                            ChangeStatements.Delete(sql, plan, change.Before!, wholeBefore: false);
                            sql.Append(";\n");
                        }
                        ChangeStatements.Replace(sql, plan, change.After!);
                    }
                    else
                    {
                        ChangeStatements.Update(sql, plan, change.Before!, change.After!, wholeBefore: false);
                    }
                    break;
            }
            sql.Append(";\n");
            if (sql.Length > MaxCommandChars)
                await ExecuteAsync(target, transaction, sql, null, cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(target, transaction, sql, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyStrictAsync(MySqlConnection target, MySqlTransaction transaction,
        IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool parallel, List<ConflictRecord> conflicts, CancellationToken cancellationToken)
    {
        // Most chunks have no conflict: their net effect, written by multi-row statements, is checked as it goes.
        if (await _net.TryApplyAsync(target, transaction, changes, parallel, cancellationToken).ConfigureAwait(false)) return;
        var next = 0;
        var window = int.MaxValue;
        var sql = new StringBuilder();
        var counts = new List<long>();
        var redone = 0;
        while (next < changes.Count)
        {
            // One optimistic run: changes [start, end). Without a conflict every strict statement changes
            // exactly one row, so the run's total of affected rows tells whether all went through.
            var start = next;
            if (changes[start].Change.IsEcho)
            {
                // A delete coming back from the other direction mostly finds nothing left to delete: it is settled on its own.
                await ResolveAsync(target, transaction, changes[start].Plan, changes[start].Change, conflicts, cancellationToken).ConfigureAwait(false);
                next++;
                continue;
            }
            var end = start;
            sql.Clear().Append("SAVEPOINT oms_run;\n");
            while (end < changes.Count && end - start < window && sql.Length < MaxCommandChars && !changes[end].Change.IsEcho)
            {
                StrictStatement(sql, changes[end].Plan, changes[end].Change, ";\n");
                end++;
            }
            long affected;
            try
            {
                affected = await ExecuteNonQueryAsync(target, transaction, sql, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e) when (MySqlConflictRows.IsKeyCollision(e))
            {
                affected = -1;
                await ResetChecksAsync(target, transaction, changes, start, end, cancellationToken).ConfigureAwait(false);
            }
            if (affected == end - start)
            {
                next = end;
                window = window == int.MaxValue ? window : Math.Min(window * 2, 1 << 20);
                continue;
            }
            // Something did not go through: run it again with a row count after every statement to find the first.
            await ApplyCommands.ExecuteAsync(target, transaction, "ROLLBACK TO SAVEPOINT oms_run", cancellationToken).ConfigureAwait(false);
            counts.Clear();
            // On a key collision the statement at counts.Count failed alone; nothing after it ran.
            var failed = !await CountedRunAsync(target, transaction, changes, start, end, counts, cancellationToken).ConfigureAwait(false);
            var suspect = counts.IndexOf(0);
            if (suspect < 0 && !failed)
            {
                next = end; // a statement changed more than one row: harmless (a keyless table's twin rows)
                continue;
            }
            var at = suspect >= 0 ? suspect : counts.Count;
            if (suspect >= 0 && start + suspect < end - 1
                && !await RedoAsync(target, transaction, changes, start, counts.GetRange(0, at), cancellationToken).ConfigureAwait(false))
            {
                // Another writer changed a row in between: the run goes again from its start, against the rows as they are now.
                redone = ConflictResolver.CountRedone(redone, changes[start].Plan.Table.Mapping.Target);
                window = WindowAfterConflict;
                continue;
            }
            redone = 0;
            var (plan, change) = changes[start + at];
            await ResolveAsync(target, transaction, plan, change, conflicts, cancellationToken).ConfigureAwait(false);
            next = start + at + 1;
            window = WindowAfterConflict;
        }
    }

    /// <summary>
    /// Undoes a run and writes again the changes that preceded its suspect one, checking that each changes the rows it changed a
    /// moment ago. Rolling back to the savepoint lets go of the locks on rows the run inserted, so another writer may
    /// have written one of those rows in between; a change written again unchecked would then be lost without a conflict.
    /// False (and the run undone) when a count differs.
    /// </summary>
    private static async Task<bool> RedoAsync(MySqlConnection target, MySqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        int start, List<long> expected, CancellationToken cancellationToken)
    {
        await ApplyCommands.ExecuteAsync(target, transaction, "ROLLBACK TO SAVEPOINT oms_run", cancellationToken).ConfigureAwait(false);
        var counts = new List<long>();
        if (await CountedRunAsync(target, transaction, changes, start, start + expected.Count, counts, cancellationToken).ConfigureAwait(false)
            && counts.SequenceEqual(expected)) return true;
        await ApplyCommands.ExecuteAsync(target, transaction, "ROLLBACK TO SAVEPOINT oms_run", cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Writes changes [start, end) with a SAVEPOINT first and each change's row count read after it into
    /// <paramref name="counts"/>; false when one hit a duplicate key (it failed alone, nothing after it ran).
    /// </summary>
    private static async Task<bool> CountedRunAsync(MySqlConnection target, MySqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        int start, int end, List<long> counts, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SAVEPOINT oms_run;\n");
        for (var i = start; i < end; i++)
            StrictStatement(sql, changes[i].Plan, changes[i].Change, ";\nSELECT ROW_COUNT();\n");
        try
        {
            await ExecuteAsync(target, transaction, sql, counts, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MySqlException e) when (MySqlConflictRows.IsKeyCollision(e))
        {
            await ResetChecksAsync(target, transaction, changes, start, end, cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// The strict statement for one change, a write that reports 0 rows when the target disagrees, then <paramref name="after"/>
    /// (its terminator, and the row count when asked for).
    /// </summary>
    private static void StrictStatement(StringBuilder sql, TableApplyPlan plan, RowChange change, string after)
    {
        var wholeBefore = plan.Rule.ChecksBeforeImage && change.WholeBefore;
        Cascading(sql, plan, change, () =>
        {
            switch (change.Kind)
            {
                case RowChangeKind.Insert: ChangeStatements.Insert(sql, plan, change.After!); break;
                case RowChangeKind.Delete: ChangeStatements.Delete(sql, plan, change.Before!, wholeBefore); break;
                default: ChangeStatements.Update(sql, plan, change.Before!, change.After!, wholeBefore); break;
            }
        }, after);
    }

    /// <summary>
    /// While catching up on the copy's window the deleted parent may be missing on the target already (copied after the
    /// delete) while rows its delete cascaded to are there (copied before it): their delete actions are done explicitly,
    /// before the parent's own, by the parent's key. Rows further down follow through the target's own foreign keys.
    /// </summary>
    private static void ChildrenOfDeleted(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> before)
    {
        foreach (var child in plan.Cascading.Children)
        {
            var values = child.ReferencedColumns.Select(c => plan.Columns.FirstOrDefault(p => string.Equals(p.Name, c, StringComparison.OrdinalIgnoreCase))).ToList();
            if (values.Any(v => v.Name is null)) continue; // a referenced column the task does not move: the target's key alone acts
            var target = Schema.MySqlSyntax.QuoteQualified(child.Database, child.Table);
            var where = string.Join(" AND ", child.Columns.Select((c, i) =>
            {
                var literal = new StringBuilder();
                SqlLiterals.AppendKey(literal, before[values[i].Index]);
                return $"{Schema.MySqlSyntax.QuoteIdentifier(c)} = {literal}";
            }));
            sql.Append(child.OnDelete == Model.ForeignKeyAction.Cascade
                ? $"DELETE FROM {target} WHERE {where};\n"
                : $"UPDATE {target} SET {string.Join(", ", child.Columns.Select(c => Schema.MySqlSyntax.QuoteIdentifier(c) + " = " + (child.OnDelete == Model.ForeignKeyAction.SetNull ? "NULL" : "DEFAULT")))} WHERE {where};\n");
        }
    }

    // A run that failed inside a cascading statement left the foreign key checks on: off again, for what comes next.
    private static async Task ResetChecksAsync(MySqlConnection target, MySqlTransaction transaction, IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes,
        int start, int end, CancellationToken cancellationToken)
    {
        for (var i = start; i < end; i++)
            if (changes[i].Plan.Cascades(changes[i].Change))
            {
                await ApplyCommands.ExecuteAsync(target, transaction, "SET foreign_key_checks = 0", cancellationToken).ConfigureAwait(false);
                return;
            }
    }

    /// <summary>
    /// A statement that deletes or re-keys a row other tables' rows reference with ON DELETE/UPDATE CASCADE or SET NULL,
    /// when the source does not log what those actions changed (MariaDB, MySQL before 9.6): it runs with the target's
    /// foreign key checks on, so the target's foreign keys do to its rows what the source's did. Every other write runs
    /// with them off, so the order changes are written in never trips a foreign key.
    /// </summary>
    private static void Cascading(StringBuilder sql, TableApplyPlan plan, RowChange change, Action statement, string after = "")
    {
        var cascades = plan.Cascades(change);
        if (cascades) sql.Append("SET foreign_key_checks = 1;\n");
        statement();
        sql.Append(after);
        if (cascades) sql.Append(after.Length == 0 ? ";\nSET foreign_key_checks = 0" : "SET foreign_key_checks = 0;\n");
    }

    private static async Task ExecuteAsync(MySqlConnection target, MySqlTransaction transaction, StringBuilder sql, List<long>? counts,
        CancellationToken cancellationToken)
    {
        if (sql.Length == 0) return;
        await using var command = new MySqlCommand(sql.ToString(), target, transaction);
        sql.Clear();
        await using var reader = await ApplyCommands.ReaderAsync(command, cancellationToken).ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                counts?.Add(reader.GetInt64(0));
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
    }

    private static async Task<long> ExecuteNonQueryAsync(MySqlConnection target, MySqlTransaction transaction, StringBuilder sql, CancellationToken cancellationToken)
    {
        var text = sql.ToString();
        sql.Clear();
        return await ApplyCommands.ExecuteAsync(target, transaction, text, cancellationToken).ConfigureAwait(false);
    }
}
