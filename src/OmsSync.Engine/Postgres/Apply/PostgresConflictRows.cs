using System.Text;
using System.Text.Json;
using Npgsql;
using OmsSync.Engine.Conflicts;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>
/// One table of a PostgreSQL target as conflict resolution reads and writes it, inside the apply transaction: locking
/// reads that compare the row with the change's images in SQL (each type's own equality, NULL matching NULL), and
/// single-row writes that find the row again by its tuple id. A write that breaks a key goes back to a savepoint, so
/// the transaction carries on.
/// </summary>
internal sealed class PostgresConflictRows(NpgsqlConnection target, NpgsqlTransaction transaction, PostgresTablePlan plan) : IConflictRows
{
    private readonly PostgresTablePlan.PlannedColumn? _stamp = plan.Source.Rule is { Policy: ConflictPolicy.NewerWins, TimestampColumn: { } column }
        ? plan.Columns.Single(c => c.Index == plan.Source.TimestampColumn(column).Index) : null;

    public string Table => plan.Source.Table.Mapping.Target;

    public bool HasOtherUniqueKeys => plan.Source.OtherUniqueKeys.Count > 0;

    public string KeyJson(IReadOnlyList<object?> image) => DisplayForm.KeyJson(plan.Source, image);

    public string RowJson(IReadOnlyList<object?> image) => DisplayForm.RowJson(plan.Source, image);

    public VersionStamp StampOf(IReadOnlyList<object?> image) => _stamp is { } s ? VersionStamp.Of(image[s.Index]) : VersionStamp.Null;

    public async Task<HeldRow?> ReadAsync(IReadOnlyList<object?> keyImage, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after,
        CancellationToken cancellationToken)
    {
        var where = new StringBuilder();
        plan.Match(where, keyImage);
        var rows = await SelectAsync(where.ToString(), before, after, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<HeldRow>> HoldersAsync(IReadOnlyList<object?> image, CancellationToken cancellationToken)
    {
        var found = new List<HeldRow>();
        var own = new StringBuilder();
        plan.Match(own, image);
        foreach (var key in plan.Source.OtherUniqueKeys)
        {
            if (key.Any(c => image[c.Index] is null)) continue; // NULL never collides
            var where = new StringBuilder("(");
            for (var i = 0; i < key.Count; i++)
            {
                var column = plan.Columns.Single(c => c.Index == key[i].Index);
                if (i > 0) where.Append(" AND ");
                where.Append(column.Quoted).Append(" = ");
                column.Literals.Append(where, image[column.Index]);
            }
            where.Append(") AND NOT (").Append(own).Append(')');
            foreach (var row in await SelectAsync(where.ToString(), null, null, cancellationToken).ConfigureAwait(false))
                if (found.All(f => f.Where != row.Where)) found.Add(row);
        }
        return found;
    }

    public async Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") VALUES (");
        plan.Values(sql, after);
        sql.Append(") ON CONFLICT DO NOTHING");
        return await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken)
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

    public Task DeleteAsync(HeldRow row, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {plan.Target} WHERE {row.Where}", cancellationToken);

    // Locking reads: whether each row equals the before and after images, its NewerWins timestamp as text, its tuple id, and its text.
    private async Task<List<HeldRow>> SelectAsync(string where, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT ");
        Flag(sql, before);
        sql.Append(", ");
        Flag(sql, after);
        sql.Append(", ").Append(_stamp is { } s ? s.Quoted + "::text" : "NULL").Append(", ctid::text");
        foreach (var c in plan.Columns)
            sql.Append(", ").Append(c.Quoted).Append("::text");
        sql.Append(" FROM ").Append(plan.Target).Append(" WHERE ").Append(where).Append(" LIMIT 2 FOR UPDATE");
        await using var command = new NpgsqlCommand(sql.ToString(), target, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<HeldRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, string?>();
            for (var i = 0; i < plan.Columns.Count; i++)
                row[plan.Columns[i].Name] = reader.IsDBNull(4 + i) ? null : reader.GetString(4 + i);
            rows.Add(new HeldRow(reader.GetBoolean(0), reader.GetBoolean(1), VersionStamp.Parse(reader.IsDBNull(2) ? null : reader.GetString(2)),
                $"ctid = '{reader.GetString(3)}'", JsonSerializer.Serialize(row)));
        }
        return rows;
    }

    private void Flag(StringBuilder sql, IReadOnlyList<object?>? image)
    {
        if (image is null) sql.Append("FALSE");
        else plan.ImageCondition(sql, image);
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, target, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
