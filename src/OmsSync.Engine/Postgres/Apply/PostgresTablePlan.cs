using OmsSync.Engine.Pipeline;
using System.Text;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>How row changes of one MySQL-family source table are written to its PostgreSQL table: names, literals, key.</summary>
internal sealed class PostgresTablePlan
{
    public PostgresTablePlan(TableApplyPlan plan, TableSchema target)
    {
        Source = plan;
        Target = PostgresSyntax.QuoteQualified(target.Database, target.Name);
        // A generated column of the PostgreSQL table (a PostgreSQL-to-MySQL task's reverse direction writes its source's
        // tables) computes its own values: PostgreSQL refuses any other, so it is never written.
        _all = plan.Columns.Select(c => Column(plan, target, c)).ToList();
        Columns = _all.Where(c => !target.Column(c.Name).IsGenerated).ToList();
        KeyColumns = plan.KeyColumns.Select(c => Column(plan, target, c)).ToList();
        ColumnList = string.Join(", ", Columns.Select(c => c.Quoted));
    }

    /// <param name="ByText">Compared by its text: a type carried to MySQL as text or JSON, some of which (point, xml) have no equality.</param>
    public sealed record PlannedColumn(string Name, string Quoted, int Index, PostgresLiterals Literals, string Type, bool ByText);

    private readonly IReadOnlyList<PlannedColumn> _all;

    /// <summary>The target's column a column of the source plan (by image position) is, generated ones included: for conditions, never written.</summary>
    public PlannedColumn ColumnAt(int index) => _all.Single(c => c.Index == index);

    public TableApplyPlan Source { get; }
    public string Target { get; }
    public IReadOnlyList<PlannedColumn> Columns { get; }
    public IReadOnlyList<PlannedColumn> KeyColumns { get; }
    public string ColumnList { get; }
    public bool HasKey => Source.HasKey;

    private static PlannedColumn Column(TableApplyPlan plan, TableSchema target, (string Name, int Index) column)
    {
        var mapped = target.Column(column.Name);
        var type = mapped.DataType == "enum" ? PostgresSyntax.QuoteQualified(target.Database, PostgresDdlWriter.EnumTypeName(target, mapped)) : mapped.ColumnType;
        var source = plan.Table.Schema.Column(column.Name);
        // A SET's labels are written as the array itself; JSON (a PostgreSQL array or hstore on its way back) through the array's input.
        var input = source.DataType == "set" ? null : PostgresInputText.For($"{target.Database}.{target.Name}", mapped);
        var literals = new PostgresLiterals(plan.Table.Mapping.Source, source, mapped, input);
        return new PlannedColumn(mapped.Name, PostgresSyntax.QuoteIdentifier(mapped.Name), column.Index, literals, type, PostgresToMySql.Carried(mapped));
    }

    /// <summary>A row's key, as a refusal names it, in the source's text; null for a keyless table.</summary>
    public string? KeyOf(IReadOnlyList<object?> row) =>
        HasKey ? NotRepresentable.Key(KeyColumns.Select(k => (k.Name, k.Index >= 0 ? k.Literals.SourceText(row[k.Index]) : null))) : null;

    /// <summary>column IS NOT DISTINCT FROM value, by text for a column compared so.</summary>
    private static void NotDistinct(StringBuilder sql, PlannedColumn column, object? value, string prefix = "")
    {
        sql.Append(prefix).Append(column.Quoted);
        if (column.ByText) sql.Append("::text");
        sql.Append(" IS NOT DISTINCT FROM ");
        if (column.ByText) sql.Append('(');
        column.Literals.Append(sql, value);
        if (column.ByText) sql.Append("::").Append(column.Type).Append(")::text");
    }

    /// <summary>v1, v2, ... of a row image, in column order; typed when they stand where no column gives them a type.</summary>
    public void Values(StringBuilder sql, IReadOnlyList<object?> row, bool typed = false)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            Columns[i].Literals.Append(sql, row[Columns[i].Index]);
            if (typed) sql.Append("::").Append(Columns[i].Type);
        }
    }

    /// <summary>The row's key (all columns for a keyless table) as a condition; NULL matches NULL.</summary>
    public void Match(StringBuilder sql, IReadOnlyList<object?> row, string prefix = "")
    {
        for (var i = 0; i < KeyColumns.Count; i++)
        {
            if (i > 0) sql.Append(" AND ");
            if (!HasKey)
            {
                NotDistinct(sql, KeyColumns[i], row[KeyColumns[i].Index], prefix);
                continue;
            }
            sql.Append(prefix).Append(KeyColumns[i].Quoted).Append(" = ");
            KeyColumns[i].Literals.Append(sql, row[KeyColumns[i].Index]);
        }
    }

    /// <summary>True when the row holds exactly this image in every moving column (NULL matches NULL; each type's own equality).</summary>
    public void ImageCondition(StringBuilder sql, IReadOnlyList<object?> row)
    {
        sql.Append('(');
        for (var i = 0; i < Columns.Count; i++)
        {
            if (i > 0) sql.Append(" AND ");
            NotDistinct(sql, Columns[i], row[Columns[i].Index]);
        }
        if (Columns.Count == 0) sql.Append("TRUE");
        sql.Append(')');
    }

    /// <summary>WHERE for one row: by key, or (keyless) the first row that equals the image in every column; with <paramref name="wholeBefore"/> only while it still equals it.</summary>
    public void Where(StringBuilder sql, IReadOnlyList<object?> row, bool wholeBefore = false)
    {
        sql.Append(" WHERE ");
        if (HasKey)
        {
            Match(sql, row);
            if (!wholeBefore) return;
            sql.Append(" AND ");
            ImageCondition(sql, row);
            return;
        }
        sql.Append("ctid = (SELECT ctid FROM ").Append(Target).Append(" WHERE ");
        Match(sql, row);
        sql.Append(" LIMIT 1)");
    }
}
