using System.Data.Common;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// One table of a MySQL-family target as conflict resolution reads and writes it, inside the apply transaction: locking
/// reads that compare the row with the change's images in SQL (exact values, NULL-safe), and single-row writes.
/// </summary>
internal sealed class MySqlConflictRows(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan) : TargetConflictRows(plan)
{
    public static bool IsKeyCollision(MySqlException e) => e.ErrorCode is MySqlErrorCode.DuplicateKeyEntry or MySqlErrorCode.DuplicateEntryWithKeyName;

    public override async Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder();
        ChangeStatements.Insert(sql, Plan, after); // a duplicate key changes nothing and reports 0 rows
        return await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false) == 1;
    }

    public override async Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("UPDATE ").Append(Plan.Target).Append(" SET ");
        for (var i = 0; i < Plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(MySqlSyntax.QuoteIdentifier(Plan.Columns[i].Name)).Append(" = ");
            SqlLiterals.Append(sql, after[Plan.Columns[i].Index]);
        }
        sql.Append(" WHERE ").Append(row.Where).Append(Plan.Limit);
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

    public override Task DeleteAsync(HeldRow row, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {Plan.Target} WHERE {row.Where}{Plan.Limit}", cancellationToken);

    protected override string Target => Plan.Target;

    protected override void KeyCondition(StringBuilder sql, IReadOnlyList<object?> image) => ChangeStatements.KeyCondition(sql, Plan, image);

    protected override void ImageCondition(StringBuilder sql, IReadOnlyList<object?> image) => ChangeStatements.ImageCondition(sql, Plan, image);

    protected override void ColumnEquals(StringBuilder sql, (string Name, int Index) column, object? value)
    {
        sql.Append(MySqlSyntax.QuoteIdentifier(column.Name)).Append(" = ");
        SqlLiterals.AppendKey(sql, value);
    }

    protected override string AsText((string Name, int Index) column) => $"CAST({MySqlSyntax.QuoteIdentifier(column.Name)} AS CHAR)";

    /// <summary>Each column as the conflict log shows it: binary values in hex, the rest as text.</summary>
    protected override IEnumerable<(string Name, string Expression)> Shown() => Plan.ColumnSchemas.Select(column =>
    {
        var name = MySqlSyntax.QuoteIdentifier(column.Name);
        return (column.Name, MySqlDisplayForm.Of(column) switch
        {
            MySqlDisplayForm.Kind.Hex => $"CONCAT('0x', HEX({name}))",
            MySqlDisplayForm.Kind.Bits => $"CONCAT('b''', BIN({name}), '''')",
            _ => $"CAST({name} AS CHAR)",
        });
    });

    // Rows have no id of their own: the condition that found a row (its key, or a unique value and not the key) names it again.
    protected override string RowId => "NULL";

    protected override string FindAgain(string where, string? id) => where;

    protected override DbCommand Command(string sql) => new MySqlCommand(sql, target, transaction);

    // Settling a conflict is part of applying: its reads and writes count among the apply path's round trips.
    protected override async Task<DbDataReader> ReaderAsync(DbCommand command, CancellationToken cancellationToken) =>
        await ApplyCommands.ReaderAsync((MySqlCommand)command, cancellationToken).ConfigureAwait(false);

    protected override Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken) => ApplyCommands.ExecuteAsync((MySqlCommand)command, cancellationToken);
}
