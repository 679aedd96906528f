using System.Text;
using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// One table of a MySQL-family target as conflict resolution reads and writes it, inside the apply transaction: locking
/// reads that compare the row with the change's images in SQL (exact values, NULL-safe), and single-row writes.
/// </summary>
internal sealed class MySqlConflictRows(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan) : IConflictRows
{
    private readonly (string Name, int Index)? _stamp = plan.Rule is { Policy: ConflictPolicy.NewerWins, TimestampColumn: { } column }
        ? plan.TimestampColumn(column) : null;

    public string Table => plan.Table.Mapping.Target;

    public bool HasOtherUniqueKeys => plan.OtherUniqueKeys.Count > 0;

    public string KeyJson(IReadOnlyList<object?> image) => DisplayForm.KeyJson(plan, image);

    public string RowJson(IReadOnlyList<object?> image) => DisplayForm.RowJson(plan, image);

    public VersionStamp StampOf(IReadOnlyList<object?> image) => _stamp is { } s ? VersionStamp.Of(image[s.Index]) : VersionStamp.Null;

    public static bool IsKeyCollision(MySqlException e) => e.ErrorCode is MySqlErrorCode.DuplicateKeyEntry or MySqlErrorCode.DuplicateEntryWithKeyName;

    public async Task<HeldRow?> ReadAsync(IReadOnlyList<object?> keyImage, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after,
        CancellationToken cancellationToken)
    {
        var where = new StringBuilder();
        ChangeStatements.KeyCondition(where, plan, keyImage);
        var rows = await SelectAsync(where.ToString(), before, after, "LIMIT 1", cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<HeldRow>> HoldersAsync(IReadOnlyList<object?> image, CancellationToken cancellationToken)
    {
        var found = new List<HeldRow>();
        var own = new StringBuilder();
        ChangeStatements.KeyCondition(own, plan, image);
        // A unique key holds at most one row per value, so its value and "not this key" name that row exactly.
        foreach (var key in plan.OtherUniqueKeys)
        {
            if (key.Any(c => image[c.Index] is null)) continue; // NULL never collides
            var where = new StringBuilder("(");
            for (var i = 0; i < key.Count; i++)
            {
                if (i > 0) where.Append(" AND ");
                where.Append(MySqlSyntax.QuoteIdentifier(key[i].Name)).Append(" = ");
                SqlLiterals.AppendKey(where, image[key[i].Index]);
            }
            where.Append(") AND NOT (").Append(own).Append(')');
            foreach (var row in await SelectAsync(where.ToString(), null, null, "", cancellationToken).ConfigureAwait(false))
                if (found.All(f => f.Json != row.Json)) found.Add(row);
        }
        return found;
    }

    public async Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder();
        ChangeStatements.Insert(sql, plan, after); // a duplicate key changes nothing and reports 0 rows
        return await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("UPDATE ").Append(plan.Target).Append(" SET ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(MySqlSyntax.QuoteIdentifier(plan.Columns[i].Name)).Append(" = ");
            SqlLiterals.Append(sql, after[plan.Columns[i].Index]);
        }
        sql.Append(" WHERE ").Append(row.Where).Append(plan.Limit);
        try
        {
            await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MySqlException e) when (IsKeyCollision(e))
        {
            return false;
        }
    }

    public Task DeleteAsync(HeldRow row, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {plan.Target} WHERE {row.Where}{plan.Limit}", cancellationToken);

    // Locking reads of rows: whether each equals the before and after images, its NewerWins timestamp as the server prints it, and its text.
    private async Task<List<HeldRow>> SelectAsync(string where, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, string limit,
        CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT ");
        Flag(sql, before);
        sql.Append(", ");
        Flag(sql, after);
        sql.Append(", ").Append(_stamp is { } s ? $"CAST({MySqlSyntax.QuoteIdentifier(s.Name)} AS CHAR)" : "NULL");
        foreach (var c in plan.ColumnSchemas)
            sql.Append(", ").Append(DisplayExpression(c));
        sql.Append(" FROM ").Append(plan.Target).Append(" WHERE ").Append(where).Append(' ').Append(limit).Append(" FOR UPDATE");
        await using var command = new MySqlCommand(sql.ToString(), target, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<HeldRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, string?>();
            for (var i = 0; i < plan.ColumnSchemas.Count; i++)
                row[plan.ColumnSchemas[i].Name] = reader.IsDBNull(3 + i) ? null : reader.GetString(3 + i);
            rows.Add(new HeldRow(reader.GetInt64(0) != 0, reader.GetInt64(1) != 0, VersionStamp.Parse(reader.IsDBNull(2) ? null : reader.GetString(2)),
                where, JsonSerializer.Serialize(row)));
        }
        return rows;
    }

    private void Flag(StringBuilder sql, IReadOnlyList<object?>? image)
    {
        if (image is null) sql.Append("FALSE");
        else ChangeStatements.ImageCondition(sql, plan, image);
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

    private async Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, target, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
