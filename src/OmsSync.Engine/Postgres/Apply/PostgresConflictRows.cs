using System.Data.Common;
using System.Text;
using Npgsql;
using OmsSync.Engine.Conflicts;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>
/// One table of a PostgreSQL target as conflict resolution reads and writes it, inside the apply transaction: locking
/// reads that compare the row with the change's images in SQL (each type's own equality, NULL matching NULL), and
/// single-row writes that find the row again by its tuple id. A write that breaks a key goes back to a savepoint, so
/// the transaction carries on.
/// </summary>
internal sealed class PostgresConflictRows(NpgsqlConnection target, NpgsqlTransaction transaction, PostgresTablePlan plan) : TargetConflictRows(plan.Source)
{
    public override async Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") VALUES (");
        plan.Values(sql, after);
        sql.Append(") ON CONFLICT DO NOTHING");
        return await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false) == 1;
    }

    public override async Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SAVEPOINT oms_resolve; UPDATE ").Append(plan.Target).Append(" SET ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(plan.Columns[i].Quoted).Append(" = ");
            plan.Columns[i].Literals.Append(sql, after[plan.Columns[i].Index]);
        }
        sql.Append(" WHERE ").Append(row.Where).Append("; RELEASE SAVEPOINT oms_resolve");
        try
        {
            await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await ExecuteAsync("ROLLBACK TO SAVEPOINT oms_resolve", cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    public override Task DeleteAsync(HeldRow row, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {plan.Target} WHERE {row.Where}", cancellationToken);

    protected override string Target => plan.Target;

    protected override void KeyCondition(StringBuilder sql, IReadOnlyList<object?> image) => plan.Match(sql, image);

    protected override void ImageCondition(StringBuilder sql, IReadOnlyList<object?> image) => plan.ImageCondition(sql, image);

    protected override void ColumnEquals(StringBuilder sql, (string Name, int Index) column, object? value)
    {
        var planned = Planned(column);
        sql.Append(planned.Quoted).Append(" = ");
        planned.Literals.Append(sql, value);
    }

    protected override string AsText((string Name, int Index) column) => Planned(column).Quoted + "::text";

    protected override IEnumerable<(string Name, string Expression)> Shown() => plan.Columns.Select(c => (c.Name, c.Quoted + "::text"));

    protected override string RowId => "ctid::text";

    protected override string FindAgain(string where, string? id) => $"ctid = '{id}'";

    protected override DbCommand Command(string sql) => new NpgsqlCommand(sql, target, transaction);

    // The target's column (its name there, its literals) that a column of the source plan is written to.
    private PostgresTablePlan.PlannedColumn Planned((string Name, int Index) column) => plan.ColumnAt(column.Index);
}
