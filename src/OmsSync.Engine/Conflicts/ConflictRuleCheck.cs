using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Conflicts;

/// <summary>Checks a conflict rule against a task before it is stored: its table rule matches, its timestamp column exists.</summary>
public static class ConflictRuleCheck
{
    /// <summary>Problems that need nothing but the rule itself.</summary>
    public static string? CheckShape(ConflictRule rule)
    {
        if (rule.Policy == ConflictPolicy.NewerWins && string.IsNullOrWhiteSpace(rule.TimestampColumn))
            return "The NewerWins policy needs -TimestampColumn: the column whose larger value marks the newer row (e.g. updated_at).";
        if (rule.Policy != ConflictPolicy.NewerWins && rule.TimestampColumn is not null)
            return $"-TimestampColumn is only used by the NewerWins policy, not by {rule.Policy}. Leave it out, or use -Policy NewerWins.";
        if (rule.Table is { } table && ObjectPattern.TryParse(table, out var error) is null)
            return $"-Table: {error}";
        return null;
    }

    /// <summary>Reads the task's tables on its source and fails when the rule names no table, or a table lacks the timestamp column.</summary>
    public static async Task CheckAgainstTablesAsync(OmsService service, MigrationTask task, ConflictRule rule, CancellationToken cancellationToken)
    {
        var objects = await service.ResolveObjectsAsync(task, cancellationToken).ConfigureAwait(false);
        var pattern = rule.Table is null ? null : ObjectPattern.TryParse(rule.Table, out _);
        var matched = objects.Tables.Where(t => pattern is null
            || pattern.Matches(new ObjectName(t.Mapping.SourceDatabase, t.Mapping.SourceTable), ignoreCase: true)
            || pattern.Matches(new ObjectName(t.Mapping.TargetDatabase, t.Mapping.TargetTable), ignoreCase: true)).ToList();
        if (rule.Table is not null && matched.Count == 0)
            throw new OmsException("ConflictTableNotFound", OmsErrorKind.InvalidArgument, rule.Table,
                $"-Table '{rule.Table}' matches none of task '{task.Name}''s tables (by source or target name). List them with (Get-OmsTask '{task.Name}').Tables or Test-OmsTask.");
        if (rule.TimestampColumn is not { } column) return;
        var lacking = matched.Where(t => !FullLoad.MovingColumns.Of(t.Schema, t.Mapping).Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)))
            .Select(t => t.Mapping.Source).ToList();
        if (lacking.Count > 0)
            throw new OmsException("TimestampColumnNotFound", OmsErrorKind.InvalidArgument, column,
                $"Timestamp column '{column}' is missing from {string.Join(", ", lacking.Take(5).Select(t => $"'{t}'"))}{(lacking.Count > 5 ? $" and {lacking.Count - 5} more" : "")} " +
                "(or not moved by the task). Give the column those tables have, or narrow the rule with -Table.");
        foreach (var table in matched)
            if (UnfitTimestamp(table.Schema.Column(column)) is { } problem)
                throw new OmsException("TimestampColumnType", OmsErrorKind.InvalidArgument, column, $"Timestamp column '{column}' of '{table.Mapping.Source}' {problem}");
    }

    /// <summary>Why a column cannot order a NewerWins rule's versions, or null when it can: numbers, dates and date-times only.</summary>
    public static string? UnfitTimestamp(Model.ColumnSchema column) => column.DataType switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "decimal" or "numeric" or "float" or "double" or "real"
            or "double precision" or "year" or "date" or "datetime" or "timestamp" or "timestamp without time zone" or "timestamp with time zone" => null,
        var type => $"is {type}, and NewerWins compares numbers, dates and date-times (DATETIME(6), TIMESTAMP(6), BIGINT ...). Choose such a column with -TimestampColumn.",
    };
}
