using Npgsql;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.Postgres.Schema;

/// <summary>
/// Schema migration into PostgreSQL from a MySQL-family source: each MySQL database becomes a schema of the target
/// database. Every table is checked first (types mapped, existing tables compatible, enum types free), and only then
/// are schemas, enum types, tables and indexes created, so a task that cannot migrate leaves nothing half-made.
/// Spatial columns are PostGIS geometry when the target database has PostGIS, bytea holding EWKB otherwise
/// (<see cref="PostGis"/>); which it is is read from the target each time the tables are shaped.
/// </summary>
internal static class PostgresSchemaPhase
{
    /// <summary>The PostgreSQL table a task table becomes, with the problems that stop it.</summary>
    /// <param name="postGis">Whether the target database has PostGIS (<see cref="PostGis.InstalledAsync(NpgsqlConnection, CancellationToken)"/>).</param>
    public static TableSchema Expected(TaskTable table, List<string> problems, bool postGis)
    {
        TableSchema shape;
        try
        {
            shape = TargetSchema.For(table.Schema, table.TargetOptions);
        }
        catch (SchemaException e)
        {
            problems.AddRange(e.Problems.Select(p => p + " Correct the task's -Column with Set-OmsTask."));
            return table.Schema;
        }
        problems.AddRange(TableFeatures.Problems(shape, DataSourceKind.PostgreSql));
        return MySqlToPostgres.Map(shape, problems, postGis);
    }

    /// <summary>
    /// Whether a task table can be written to the target, as pre-check results: mapping, column selection, an existing
    /// table's shape; and a warning for each spatial column that becomes bytea because <paramref name="database"/> has no PostGIS.
    /// </summary>
    public static List<CheckResult> Check(TaskTable table, TableSchema? actual, bool schemaMigrated, bool postGis, string database)
    {
        var problems = new List<string>();
        var expected = Expected(table, problems, postGis);
        var results = problems.Select(p => CheckResult.Fail("ColumnTypes", p, table.Mapping.Source)).ToList();
        if (results.Count > 0) return results;
        if (!postGis)
            results.AddRange(MovingColumns.Of(table.Schema, table.Mapping).Where(SpatialTypes.IsSpatial).Select(c => CheckResult.Warn("ColumnTypes",
                $"Table {MySqlSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable)}, column {MySqlSyntax.QuoteIdentifier(c.Name)}: " +
                $"{c.ColumnType.ToUpperInvariant()} becomes bytea holding each value as EWKB, because PostgreSQL database '{database}' has no PostGIS. " +
                "To get geometry columns, run CREATE EXTENSION postgis in that database before the schema is migrated.", table.Mapping.Source)));
        if (actual is not null)
            results.AddRange(PostgresSchemaComparer.BlockingDifferences(expected, actual).Select(p => CheckResult.Fail("TargetTable", p, table.Mapping.Target)));
        else if (!schemaMigrated)
            results.Add(CheckResult.Fail("TargetTable",
                $"Target table '{table.Mapping.Target}' does not exist and the task has no Schema migration type. Create it, or add Schema to the task's -MigrationType.",
                table.Mapping.Target));
        return results;
    }

    /// <summary>The task's target tables that exist already, keyed by "schema.table".</summary>
    public static Task<Dictionary<string, TableSchema>> ReadExistingAsync(NpgsqlConnection target, TaskObjects objects, CancellationToken cancellationToken) =>
        objects.ReadExistingTargetsAsync(new PostgresSchemaReader(target), cancellationToken);

    public static async Task RunAsync(PostgresEndpoint target, MigrationTask task, TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var (existing, types, postGis) = await CheckTargetAsync(connection, objects, requireExisting: false, cancellationToken).ConfigureAwait(false);
        var statements = objects.Tables.Select(t => t.Mapping.TargetDatabase).Distinct(StringComparer.Ordinal).Select(PostgresDdlWriter.CreateSchema).ToList();
        foreach (var table in objects.Tables.Where(t => !existing.ContainsKey(t.Mapping.Target)))
        {
            var shape = Expected(table, [], postGis);
            statements.AddRange(PostgresDdlWriter.EnumTypes(shape).Where(e => !types.ContainsKey($"{shape.Database}.{e.Name}"))
                .Select(e => PostgresDdlWriter.CreateEnumType(shape.Database, e.Name, e.Labels)));
            statements.AddRange(PostgresDdlWriter.CreateTable(shape, task.IndexMigration == IndexMigration.WithSchema));
        }
        // One transaction: PostgreSQL's DDL is transactional, so a failure leaves nothing half-made.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in statements)
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For tasks without schema migration: every target table must exist already with a compatible shape.</summary>
    public static async Task VerifyTargetAsync(PostgresEndpoint target, TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await CheckTargetAsync(connection, objects, requireExisting: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the source's foreign keys between the task's tables on the target once its rows are in (see SchemaPhase):
    /// deferrable to commit and not validated against the rows already there; keys present already are kept.
    /// </summary>
    public static async Task CreateForeignKeysAsync(PostgresEndpoint target, TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var postGis = await PostGis.InstalledAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var table in objects.Tables)
        {
            var shape = Expected(table, [], postGis);
            if (shape.ForeignKeys.Count == 0) continue;
            var present = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'", connection))
            {
                command.Parameters.AddWithValue(PostgresSyntax.QuoteQualified(shape.Database, shape.Name));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) present.Add(reader.GetString(0));
            }
            foreach (var fk in shape.ForeignKeys.Where(f => !present.Contains(PostgresSyntax.DerivedName(shape.Name, f.Name))))
                if (objects.Mapping.TargetOf(new Rules.ObjectName(fk.ReferencedDatabase, fk.ReferencedTable)) is { } parent)
                    await ExecuteAsync(connection, PostgresDdlWriter.AddForeignKey(shape.Database, shape.Name, fk, parent.Database, parent.Name), cancellationToken)
                        .ConfigureAwait(false);
        }
    }

    /// <summary>Builds the ordinary indexes left out of CREATE TABLE (-IndexMigration AfterFull), several tables at once.</summary>
    public static async Task CreateDeferredIndexesAsync(PostgresEndpoint target, TaskObjects objects, int concurrency, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, concurrency));
        var postGis = await PostGis.InstalledAsync(target, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(objects.Tables.Select(async table =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var shape = Expected(table, [], postGis);
                await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
                foreach (var index in shape.Indexes.Where(i => i.Kind == IndexKind.Secondary))
                    await ExecuteAsync(connection, PostgresDdlWriter.CreateIndex(shape, index), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns the target tables and enum types that exist already, and whether the database has PostGIS; throws, naming
    /// every problem, when any table cannot be migrated.
    /// </summary>
    private static async Task<(Dictionary<string, TableSchema> Tables, Dictionary<string, string[]> EnumTypes, bool PostGis)> CheckTargetAsync(
        NpgsqlConnection connection, TaskObjects objects, bool requireExisting, CancellationToken cancellationToken)
    {
        var existing = await ReadExistingAsync(connection, objects, cancellationToken).ConfigureAwait(false);
        var postGis = await PostGis.InstalledAsync(connection, cancellationToken).ConfigureAwait(false);
        var problems = objects.Tables
            .SelectMany(t => Check(t, existing.GetValueOrDefault(t.Mapping.Target), schemaMigrated: !requireExisting, postGis, connection.Database))
            .Where(r => r.Status == CheckStatus.Fail).Select(f => f.Message).ToList();
        var types = await EnumTypesAsync(connection, objects, cancellationToken).ConfigureAwait(false);
        if (!requireExisting)
            problems.AddRange(objects.Tables.Where(t => !existing.ContainsKey(t.Mapping.Target)).SelectMany(t => EnumTypeConflicts(Expected(t, [], postGis), types)));
        if (problems.Count > 0)
            throw new OmsException("TargetSchemaIncompatible", OmsErrorKind.InvalidState, objects.Tables.FirstOrDefault()?.Mapping.Target,
                string.Join(Environment.NewLine, problems.Distinct()));
        return (existing, types, postGis);
    }

    /// <summary>The enum types of the task's target schemas, keyed by "schema.type", with their labels.</summary>
    private static async Task<Dictionary<string, string[]>> EnumTypesAsync(NpgsqlConnection connection, TaskObjects objects, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT n.nspname || '.' || t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) " +
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND n.nspname = ANY($1)", connection);
        command.Parameters.AddWithValue(objects.Tables.Select(t => t.Mapping.TargetDatabase).Distinct().ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var types = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            types[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        return types;
    }

    /// <summary>An enum type a new table needs that exists with other labels (one with the same labels is used as it is).</summary>
    private static IEnumerable<string> EnumTypeConflicts(TableSchema shape, IReadOnlyDictionary<string, string[]> types) =>
        PostgresDdlWriter.EnumTypes(shape)
            .Where(e => types.TryGetValue($"{shape.Database}.{e.Name}", out var have) && !have.SequenceEqual(e.Labels))
            .Select(e => $"Type {PostgresSyntax.QuoteQualified(shape.Database, e.Name)} exists already with other labels " +
                         $"({string.Join(", ", types[$"{shape.Database}.{e.Name}"])}) than table {PostgresSyntax.QuoteQualified(shape.Database, shape.Name)} needs " +
                         $"({string.Join(", ", e.Labels)}). Drop the type, or create the table yourself.");

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
