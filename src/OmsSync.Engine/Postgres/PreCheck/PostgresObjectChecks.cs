using System.Data.Common;
using MySqlConnector;
using Npgsql;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.PreCheck;

namespace OmsSync.Engine.Postgres.PreCheck;

/// <summary>
/// Pre-checks of the objects of a task between a MySQL-family server and PostgreSQL: rules, row filters, every
/// column's type against the type map, existing target tables, and for a PostgreSQL incremental source each table's
/// replica identity and whether the user may publish it.
/// </summary>
public static class PostgresObjectChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(OmsService service, MigrationTask task, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var sourceKind = service.DataSources.Get(task.Source).Kind;
        var targetKind = service.DataSources.Get(task.Target).Kind;
        if (sourceKind == DataSourceKind.PostgreSql && targetKind == DataSourceKind.PostgreSql)
        {
            results.Add(CheckResult.Fail("Topology", "PostgreSQL to PostgreSQL is not supported; use PostgreSQL's own logical replication.", task.Name));
            return results;
        }
        // Stale rows are judged by comparing whole before-images, which a PostgreSQL source sends only for tables with REPLICA
        // IDENTITY FULL (checked with the tables below); a bidirectional task's reverse direction reads the PostgreSQL target.
        if (targetKind == DataSourceKind.PostgreSql && task.Topology == Topology.Bidirectional)
            foreach (var rule in task.ConflictRules.Where(r => r.ChecksBeforeImage && r.Direction != Direction.Forward))
                results.Add(CheckResult.Warn("ConflictPolicy",
                    $"Conflict policy {rule.Policy}{(rule.DetectStale ? " with stale-row detection" : "")} for {rule.Table ?? "all tables"} compares whole before-images " +
                    "in the reverse direction too, which reads PostgreSQL: before Enable-OmsReverse, run ALTER TABLE ... REPLICA IDENTITY FULL on those tables of the target.",
                    task.Name));
        await using DbConnection source = sourceKind == DataSourceKind.PostgreSql
            ? await service.PostgresEndpoint(task.Source).OpenAsync(cancellationToken).ConfigureAwait(false)
            : await service.Endpoint(task.Source).OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbConnection target = targetKind == DataSourceKind.PostgreSql
            ? await service.PostgresEndpoint(task.Target).OpenAsync(cancellationToken).ConfigureAwait(false)
            : await service.Endpoint(task.Target).OpenAsync(cancellationToken).ConfigureAwait(false);

        TaskObjects objects;
        try
        {
            objects = source is NpgsqlConnection pg
                ? await TaskObjects.ResolveAsync(new PostgresSchemaReader(pg), task, cancellationToken).ConfigureAwait(false)
                : await MySqlTaskObjects.ResolveAsync((MySqlConnection)source, task, cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException e)
        {
            results.Add(RuleChecks.Failed(e, task));
            return results;
        }
        results.AddRange(objects.Warnings.Select(w => CheckResult.Warn("ObjectRules", w.Message, w.Rule)));
        results.AddRange(RuleChecks.Unmatched(task, objects));
        if (objects.Tables.Count == 0)
        {
            results.Add(CheckResult.Fail("ObjectRules", $"The task's rules select no table on '{task.Source}'. Correct -Include with Set-OmsTask.", task.Name));
            return results;
        }
        if (objects.Views.Count > 0)
            results.Add(CheckResult.Warn("Views", $"{objects.Views.Count} view(s) selected; views are not migrated between MySQL and PostgreSQL (their SQL differs). Create them on the target yourself.", task.Name));
        results.Add(CheckResult.Pass("ObjectRules", $"{objects.Tables.Count} table(s) selected; no target name collides.", task.Name));
        foreach (var table in objects.Tables)
            results.AddRange(GeneratedColumns.Report(table, sourceKind).Select(r => r.Translated
                ? CheckResult.Pass("GeneratedColumns", r.Message, table.Mapping.Source)
                : CheckResult.Warn("GeneratedColumns", r.Message, table.Mapping.Source)));
        // Checked as the phases move them: a translated generated column is one the target computes.
        objects = GeneratedColumns.Carried(objects, sourceKind);

        var schemaMigrated = task.MigrationTypes.HasFlag(MigrationTypes.Schema);
        var shaped = objects;
        Dictionary<string, TableSchema> existing;
        var postGis = false;
        if (target is NpgsqlConnection pgTarget)
        {
            existing = await PostgresSchemaPhase.ReadExistingAsync(pgTarget, objects, cancellationToken).ConfigureAwait(false);
            postGis = await PostGis.InstalledAsync(pgTarget, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var (problems, warnings) = (new List<string>(), new List<string>());
            shaped = MySqlShapes.Of(objects, targetKind, problems, warnings);
            results.AddRange(problems.Select(p => CheckResult.Fail("ColumnTypes", p, task.Name)));
            results.AddRange(warnings.Select(w => CheckResult.Warn("ColumnTypes", w, task.Name)));
            existing = await TargetReadiness.ReadExistingAsync((MySqlConnection)target, shaped, cancellationToken).ConfigureAwait(false);
        }

        var incrementalSource = task.MigrationTypes.HasFlag(MigrationTypes.Incremental) && source is NpgsqlConnection;
        var identities = incrementalSource ? await PublishingAsync((NpgsqlConnection)source, task, objects, cancellationToken).ConfigureAwait(false) : null;
        foreach (var table in shaped.Tables)
        {
            var name = table.Mapping.Source;
            if (table.Mapping.RowFilter is { } filter)
                results.Add(await CheckRowFilterAsync(source, table, filter, cancellationToken).ConfigureAwait(false));
            if (table.Mapping.Partitions is not null && source is MySqlConnection mysql)
                results.Add(await SourceReadiness.CheckPartitionsAsync(mysql, table.Mapping, cancellationToken).ConfigureAwait(false));
            if (table.Schema.RowKey is null)
                results.Add(CheckResult.Warn("PrimaryKey",
                    $"Table '{name}' has no primary key or NOT NULL unique key: full migration copies it as one chunk, and changes find rows by all their columns.", name));
            if (identities is not null)
                results.AddRange(identities[name]);

            var actual = existing.GetValueOrDefault(table.Mapping.Target);
            var checks = target is NpgsqlConnection
                ? PostgresSchemaPhase.Check(table, actual, schemaMigrated, postGis, target.Database)
                : TargetReadiness.Check(table, actual, targetKind, schemaMigrated);
            results.AddRange(checks);
            var failures = checks.Where(c => c.Status == CheckStatus.Fail).ToList();
            if (failures.Count == 0 && actual is not null && task.MigrationTypes.HasFlag(MigrationTypes.Full) && task.NonEmptyTarget == NonEmptyTargetAction.Stop
                && await HoldsForeignRowsAsync(target, task, table.Mapping, cancellationToken).ConfigureAwait(false))
                results.Add(CheckResult.Fail("TargetEmpty",
                    $"Target table '{table.Mapping.Target}' already holds rows and -NonEmptyTarget is Stop. Empty it, or use Set-OmsTask -NonEmptyTarget Ignore to keep its rows and record the collisions.",
                    table.Mapping.Target));
        }
        if (!results.Any(r => r.Status == CheckStatus.Fail))
            results.Add(CheckResult.Pass("Objects", "Every selected table can be migrated to the target.", task.Name));
        return results;
    }

    private static async Task<CheckResult> CheckRowFilterAsync(DbConnection source, TaskTable table, string filter, CancellationToken cancellationToken) =>
        await (source is NpgsqlConnection pg
                ? SourceReadiness.RowFilterFailureAsync(pg, table.Mapping, cancellationToken)
                : SourceReadiness.RowFilterFailureAsync((MySqlConnection)source, table.Mapping, cancellationToken)).ConfigureAwait(false) is { } failure
            ? CheckResult.Fail("RowFilter", failure, table.Mapping.Source)
            : CheckResult.Pass("RowFilter", $"Row filter of '{table.Mapping.Source}' is valid: {filter}", table.Mapping.Source);

    /// <summary>
    /// Per table: whether changes can be published with the before-images the task needs. A table without a primary
    /// key and without REPLICA IDENTITY FULL would make UPDATE and DELETE fail on the source once it is published.
    /// </summary>
    private static async Task<Dictionary<string, List<CheckResult>>> PublishingAsync(NpgsqlConnection source, MigrationTask task, TaskObjects objects, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.relreplident::text, EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisprimary),
                   pg_has_role(c.relowner, 'USAGE') OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
                   has_table_privilege(c.oid, 'SELECT')
            FROM pg_class c WHERE c.oid = $1::regclass
            """;
        var results = new Dictionary<string, List<CheckResult>>(StringComparer.Ordinal);
        foreach (var table in objects.Tables)
        {
            var name = table.Mapping.Source;
            var quoted = PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable);
            await using var command = new NpgsqlCommand(sql, source);
            command.Parameters.AddWithValue(quoted);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var (identity, primaryKey, owner, select) = (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3));
            var list = results[name] = [];
            var rule = ConflictRule.Resolve(task.ConflictRules, Direction.Forward, new ObjectName(table.Mapping.SourceDatabase, table.Mapping.SourceTable),
                new ObjectName(table.Mapping.TargetDatabase, table.Mapping.TargetTable));
            if (table.Mapping.RowFilter is not null && identity != "f")
                list.Add(CheckResult.Fail("ReplicaIdentity",
                    $"Table '{name}' has a row filter, and whether an update or delete crosses it can only be told from whole before-images. " +
                    $"Run ALTER TABLE {quoted} REPLICA IDENTITY FULL.", name));
            else if (rule.ChecksBeforeImage && identity != "f")
                list.Add(CheckResult.Fail("ReplicaIdentity",
                    $"Table '{name}' has conflict policy {rule.Policy}{(rule.DetectStale ? " with stale-row detection" : "")}, which compares the target row with the " +
                    $"source's whole before-image, and PostgreSQL sends that only with REPLICA IDENTITY FULL. Run ALTER TABLE {quoted} REPLICA IDENTITY FULL, " +
                    "or choose Ignore or Overwrite with Set-OmsConflictPolicy.", name));
            else list.Add(identity switch
            {
                "f" => CheckResult.Pass("ReplicaIdentity", $"Table '{name}' has REPLICA IDENTITY FULL: changes carry whole before-images.", name),
                "d" when primaryKey => CheckResult.Pass("ReplicaIdentity", $"Table '{name}' logs its primary key with updates and deletes.", name),
                "i" => CheckResult.Pass("ReplicaIdentity", $"Table '{name}' logs its replica identity index with updates and deletes.", name),
                _ => CheckResult.Fail("ReplicaIdentity",
                    $"Table '{name}' has no primary key and no replica identity: once it is published, UPDATE and DELETE on it fail on the source, " +
                    $"and changes could not be matched. Run ALTER TABLE {quoted} REPLICA IDENTITY FULL (or add a primary key).", name),
            });
            if (!owner)
                list.Add(CheckResult.Fail("PublishPrivileges",
                    $"The user does not own table '{name}', and only owners may add a table to a publication. Run the task as the owner, or ALTER TABLE {quoted} OWNER TO the user.", name));
            if (!select)
                list.Add(CheckResult.Fail("SourcePrivileges", $"The user may not read table '{name}'. GRANT SELECT ON {quoted} TO the user.", name));
        }
        return results;
    }

    /// <summary>True when the target table holds rows that are not the task's own resumed copy.</summary>
    private static async Task<bool> HoldsForeignRowsAsync(DbConnection target, MigrationTask task, TableMapping mapping, CancellationToken cancellationToken)
    {
        var pg = target is NpgsqlConnection;
        await using var rows = target.CreateCommand();
        rows.CommandText = $"SELECT 1 FROM {(pg ? PostgresSyntax.QuoteQualified(mapping.TargetDatabase, mapping.TargetTable) : MySqlSyntax.QuoteQualified(mapping.TargetDatabase, mapping.TargetTable))} LIMIT 1";
        if (await rows.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null) return false;
        await using var chunks = target.CreateCommand();
        chunks.CommandText = pg
            ? "SELECT 1 FROM oms.full_chunks WHERE task = $1 AND source_table = $2 LIMIT 1"
            : "SELECT 1 FROM `oms`.`full_chunks` WHERE task = @t AND source_table = @s LIMIT 1";
        var t = chunks.CreateParameter();
        t.ParameterName = pg ? "" : "@t";
        t.Value = task.OmsKey;
        var s = chunks.CreateParameter();
        s.ParameterName = pg ? "" : "@s";
        s.Value = mapping.Source;
        chunks.Parameters.Add(t);
        chunks.Parameters.Add(s);
        try
        {
            return await chunks.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null;
        }
        catch (DbException)
        {
            return true; // no `oms` tables yet: nothing of the task's own is there
        }
    }
}
