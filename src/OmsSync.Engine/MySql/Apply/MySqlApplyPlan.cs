using System.Runtime.CompilerServices;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>A table's apply plan as a MySQL-family target writes it: the table and its columns in the target's SQL.</summary>
internal static class MySqlApplyPlan
{
    // Quoted once per plan: every statement of every row names them.
    private static readonly ConditionalWeakTable<TableApplyPlan, Names> Quoted = new();

    private sealed class Names(TableApplyPlan plan)
    {
        public string Target { get; } = MySqlSyntax.QuoteQualified(plan.Table.Mapping.TargetDatabase, plan.Table.Mapping.TargetTable);
        public string ColumnList { get; } = string.Join(", ", plan.Columns.Select(c => MySqlSyntax.QuoteIdentifier(c.Name)));
    }

    extension(TableApplyPlan plan)
    {
        public string Target => Quoted.GetValue(plan, static p => new Names(p)).Target;

        public string ColumnList => Quoted.GetValue(plan, static p => new Names(p)).ColumnList;

        /// <summary>Tables without a key match a row by all its columns and touch one row at a time.</summary>
        public string Limit => plan.HasKey ? "" : " LIMIT 1";
    }
}
