using MySqlConnector;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Schema migration: checks every table first (types supported, existing target tables compatible), and
/// only then creates databases, tables and views, so a task that cannot migrate leaves nothing half-made.
/// </summary>
public static class SchemaPhase
{
    /// <param name="storedObjects">Creates the objects beyond tables that come with the schema: called with true before the
    /// tables (sequences, which a column default may draw from), with false before the views (routines, which a view may call).</param>
    /// <param name="renameRoutine">The target name of a routine a view calls qualified, when the task renames it.</param>
    public static async Task RunAsync(MySqlEndpoint target, MigrationTask task, TaskObjects objects, CancellationToken cancellationToken,
        Func<bool, CancellationToken, Task>? storedObjects = null, Func<TableReference, TableReference?>? renameRoutine = null)
    {
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var existing = await CheckTargetAsync(connection, target.Source.Kind, objects, requireExisting: false, cancellationToken).ConfigureAwait(false);

        foreach (var (database, targetName) in objects.Databases)
            await ExecuteAsync(connection, MySqlDdlWriter.CreateDatabase(database, targetName), cancellationToken).ConfigureAwait(false);
        if (storedObjects is not null) await storedObjects(true, cancellationToken).ConfigureAwait(false);
        foreach (var table in objects.Tables.Where(t => !existing.Contains(t.Mapping.Target)))
            await ExecuteAsync(connection, MySqlDdlWriter.CreateTable(table.Schema, table.TargetOptions with { IfNotExists = true }), cancellationToken).ConfigureAwait(false);
        if (storedObjects is not null) await storedObjects(false, cancellationToken).ConfigureAwait(false);
        foreach (var view in ViewDefinitions.OrderByDependency(objects.Views.Select(v => v.View)))
        {
            var mapped = objects.Views.First(v => v.View == view);
            var sql = MySqlDdlWriter.CreateView(view, mapped.Target.Database, mapped.Target.Name,
                reference => objects.Mapping.TargetOf(new ObjectName(reference.Database, reference.Name)) is { } t
                    ? new TableReference(t.Database, t.Name) : null,
                orReplace: true, renameRoutine);
            // Unqualified names a view leaves (its stored functions) resolve in the database it is created in.
            await ExecuteAsync(connection, "USE " + MySqlSyntax.QuoteIdentifier(mapped.Target.Database), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>For tasks without schema migration: every target table must exist already with a compatible shape.</summary>
    public static async Task VerifyTargetAsync(MySqlEndpoint target, TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await CheckTargetAsync(connection, target.Source.Kind, objects, requireExisting: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the secondary indexes left out of CREATE TABLE (-IndexMigration AfterFull); those present already
    /// are kept. Tables are done in parallel, as many at once as the task has writers.
    /// </summary>
    public static async Task CreateDeferredIndexesAsync(MySqlEndpoint target, TaskObjects objects, int concurrency, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, concurrency));
        await Task.WhenAll(objects.Tables.Select(async table =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
                var actual = await new MySqlSchemaReader(connection).ReadTableAsync(table.Mapping.TargetDatabase, table.Mapping.TargetTable, cancellationToken).ConfigureAwait(false);
                var present = actual?.Indexes.Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
                var expected = TargetSchema.For(table.Schema, table.TargetOptions);
                var missing = expected.Indexes.Where(i => MySqlDdlWriter.IsSecondary(i) && !present.Contains(i.Name)).ToList();
                if (missing.Count == 0) return;
                // One ALTER for all of a table's indexes: InnoDB builds them in one pass over the rows.
                var sql = $"ALTER TABLE {MySqlSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable)} " +
                          string.Join(", ", missing.Select(i => "ADD " + MySqlDdlWriter.IndexDefinition(i, expected.Engine)));
                await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the source's foreign keys between the task's tables on the target, once its rows are in: after the copy, so
    /// the load is not slowed by a check per row, and before changes are applied, so the target holds them from then on.
    /// They are added without checking the rows already there (the copy and the changes made during it are not consistent
    /// until the catch-up ends); keys present already are kept. A foreign key to a table outside the task is left out.
    /// </summary>
    public static async Task CreateForeignKeysAsync(MySqlEndpoint target, TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SET SESSION foreign_key_checks = 0", cancellationToken).ConfigureAwait(false);
        foreach (var table in objects.Tables)
        {
            var expected = TargetSchema.For(table.Schema, table.TargetOptions);
            if (expected.ForeignKeys.Count == 0) continue;
            var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await using (var command = new MySqlCommand(
                "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = @db AND TABLE_NAME = @t", connection))
            {
                command.Parameters.AddWithValue("@db", table.Mapping.TargetDatabase);
                command.Parameters.AddWithValue("@t", table.Mapping.TargetTable);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) present.Add(reader.GetString(0));
            }
            foreach (var fk in expected.ForeignKeys.Where(f => !present.Contains(f.Name)))
                if (objects.Mapping.TargetOf(new ObjectName(fk.ReferencedDatabase, fk.ReferencedTable)) is { } parent)
                    await ExecuteAsync(connection, MySqlDdlWriter.AddForeignKey(table.Mapping.TargetDatabase, table.Mapping.TargetTable, fk, parent.Database, parent.Name),
                        cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns the target tables that exist already; throws, naming every problem, when any table cannot be migrated.</summary>
    private static async Task<HashSet<string>> CheckTargetAsync(MySqlConnection connection, DataSourceKind targetKind, TaskObjects objects,
        bool requireExisting, CancellationToken cancellationToken)
    {
        var existing = await TargetReadiness.ReadExistingAsync(connection, objects, cancellationToken).ConfigureAwait(false);
        var problems = objects.Tables
            .SelectMany(t => TargetReadiness.Check(t, existing.GetValueOrDefault(t.Mapping.Target), targetKind, schemaMigrated: !requireExisting, objects.Tables))
            .Select(f => f.Message).Distinct().ToList();
        if (problems.Count > 0)
            throw new OmsException("TargetSchemaIncompatible", OmsErrorKind.InvalidState, objects.Tables.FirstOrDefault()?.Mapping.Target,
                string.Join(Environment.NewLine, problems));
        return existing.Keys.ToHashSet();
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
