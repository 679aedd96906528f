using OmsSync.Engine.Model;
using OmsSync.Engine.Mapping;

namespace OmsSync.Engine.Postgres.Schema;

/// <summary>
/// Compares the PostgreSQL table a task expects (<see cref="MySqlToPostgres.Map"/>) with the one found on the target
/// (<see cref="PostgresSchemaReader"/>). Only what would make rows fail or land wrongly is reported: a missing
/// column, a different type, a plain column where PostgreSQL is to compute a generated one, an extra NOT NULL column
/// without a default, a different primary key.
/// </summary>
public static class PostgresSchemaComparer
{
    public static IReadOnlyList<string> BlockingDifferences(TableSchema expected, TableSchema actual)
    {
        var table = PostgresSyntax.QuoteQualified(expected.Database, expected.Name);
        var problems = new List<string>();
        foreach (var want in expected.Columns)
        {
            var have = actual.Columns.FirstOrDefault(c => c.Name == want.Name);
            var wantType = want.DataType == "enum" ? $"an enum of {want.ColumnType[4..]}" : want.ColumnType;
            if (have is null)
                problems.Add($"Table {table}, column {PostgresSyntax.QuoteIdentifier(want.Name)}: missing on the target (expected {wantType}). " +
                             "Add it, or drop the target table so that schema migration creates it.");
            else if (have.ColumnType != want.ColumnType)
                problems.Add($"Table {table}, column {PostgresSyntax.QuoteIdentifier(want.Name)}: is {have.ColumnType} on the target, expected {wantType}; " +
                             "values could be rejected or changed. Change the column, or drop the target table so that schema migration creates it.");
            else if (want.IsGenerated && !have.IsGenerated)
                // The task leaves a column PostgreSQL is to compute to PostgreSQL: a plain one would keep its values as they are.
                problems.Add($"Table {table}, column {PostgresSyntax.QuoteIdentifier(want.Name)}: is a plain column on the target, but the task has PostgreSQL " +
                             $"compute it (GENERATED ALWAYS AS ({want.GenerationExpression}) STORED) and never writes it, so its values would go stale. " +
                             "Redefine the column so, or drop the target table so that schema migration creates it.");
        }
        foreach (var extra in actual.Columns.Where(c => expected.Columns.All(e => e.Name != c.Name)))
            if (!extra.Nullable && extra.DefaultSql is null && !extra.AutoIncrement && !extra.IsGenerated)
                problems.Add($"Table {table}, column {PostgresSyntax.QuoteIdentifier(extra.Name)}: exists only on the target and is NOT NULL without a default, " +
                             $"so inserting migrated rows would fail. Give it a default (ALTER TABLE {table} ALTER COLUMN {PostgresSyntax.QuoteIdentifier(extra.Name)} SET DEFAULT ...), make it nullable, or drop it.");
        var wantKey = expected.PrimaryKey?.Columns.Select(c => c.Name).ToList();
        var haveKey = actual.PrimaryKey?.Columns.Select(c => c.Name).ToList();
        if (wantKey is not null && (haveKey is null || !wantKey.SequenceEqual(haveKey)))
            problems.Add($"Table {table}: " + (haveKey is null
                ? $"has no primary key on the target (expected PRIMARY KEY ({string.Join(", ", wantKey)})); rows could not be matched. Add the primary key or drop the table."
                : $"has PRIMARY KEY ({string.Join(", ", haveKey)}) on the target, expected ({string.Join(", ", wantKey)}). Change the key or drop the table."));
        return problems;
    }
}
