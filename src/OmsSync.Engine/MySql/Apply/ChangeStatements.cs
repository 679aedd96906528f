using OmsSync.Engine.Pipeline;
using System.Text;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>The SQL text of row writes to a MySQL-family target: one statement per call, without terminator.</summary>
internal static class ChangeStatements
{
    /// <summary>A strict insert. A duplicate key is not an error: the no-op update reports 0 rows, which marks the conflict.</summary>
    public static void Insert(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        sql.Append("INSERT INTO ").Append(plan.Target).Append(" (").Append(plan.ColumnList).Append(") VALUES (");
        Values(sql, plan, row);
        sql.Append(')');
        if (!plan.HasKey) return;
        var firstKey = MySqlSyntax.QuoteIdentifier(plan.KeyColumns[0].Name);
        sql.Append(" ON DUPLICATE KEY UPDATE ").Append(firstKey).Append(" = ").Append(firstKey);
    }

    /// <summary>Makes the target hold exactly this row: REPLACE removes whatever holds its keys first.</summary>
    public static void Replace(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
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
        ImageCondition(sql, plan, row);
        sql.Append(')');
    }

    /// <summary>An update of the row found by the before-image's key (or, with <paramref name="wholeBefore"/>, by all of it).</summary>
    public static void Update(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> before, IReadOnlyList<object?> after, bool wholeBefore)
    {
        sql.Append("UPDATE ").Append(plan.Target).Append(" SET ");
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(MySqlSyntax.QuoteIdentifier(plan.Columns[i].Name)).Append(" = ");
            SqlLiterals.Append(sql, after[plan.Columns[i].Index]);
        }
        Where(sql, plan, before, wholeBefore);
    }

    public static void Delete(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> before, bool wholeBefore)
    {
        sql.Append("DELETE FROM ").Append(plan.Target);
        Where(sql, plan, before, wholeBefore);
    }

    private static void Where(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> before, bool wholeBefore)
    {
        sql.Append(" WHERE ");
        KeyCondition(sql, plan, before);
        if (wholeBefore && plan.HasKey)
        {
            sql.Append(" AND ");
            ImageCondition(sql, plan, before);
        }
        sql.Append(plan.Limit);
    }

    public static void Values(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            SqlLiterals.Append(sql, row[plan.Columns[i].Index]);
        }
    }

    /// <summary>Finds a row by its key columns (all columns for a keyless table), using the key's index.</summary>
    public static void KeyCondition(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
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

    /// <summary>True when the row holds exactly this image in every moving column (NULL-safe, exact values).</summary>
    public static void ImageCondition(StringBuilder sql, TableApplyPlan plan, IReadOnlyList<object?> row)
    {
        sql.Append('(');
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            if (i > 0) sql.Append(" AND ");
            sql.Append(MySqlSyntax.QuoteIdentifier(plan.Columns[i].Name)).Append(" <=> ");
            SqlLiterals.AppendComparable(sql, row[plan.Columns[i].Index]);
        }
        if (plan.Columns.Count == 0) sql.Append("TRUE");
        sql.Append(')');
    }
}
