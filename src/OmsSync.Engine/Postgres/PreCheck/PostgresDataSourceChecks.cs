using Npgsql;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Postgres.PreCheck;

/// <summary>
/// Pre-checks of one PostgreSQL data source for the roles it plays in tasks: reachability, version, encoding,
/// CREATE on the database for a target, and for an incremental source the logical replication settings
/// (wal_level, the REPLICATION attribute, free replication slots and WAL senders).
/// </summary>
public static class PostgresDataSourceChecks
{
    /// <summary>pgoutput and publications arrived in PostgreSQL 10.</summary>
    public const int MinimumVersion = 100000;

    public static async Task<IReadOnlyList<CheckResult>> RunAsync(PostgresEndpoint endpoint, DataSourceRole role, CancellationToken cancellationToken)
    {
        var name = endpoint.Source.Name;
        var results = new List<CheckResult>();
        var (connection, milliseconds) = await Connectivity.OpenAsync(endpoint.OpenAsync, name, results, cancellationToken).ConfigureAwait(false);
        if (connection is null) return results;
        await using var _ = connection;
        var database = connection.Database;
        results.Add(CheckResult.Pass("Connectivity",
            $"Connected to {endpoint.Source.Endpoint}, database '{database}', as '{endpoint.Source.User}' in {milliseconds} ms.", name));

        var facts = await ReadFactsAsync(connection, cancellationToken).ConfigureAwait(false);
        results.Add(facts.VersionNumber >= MinimumVersion
            ? CheckResult.Pass("Version", $"PostgreSQL {facts.Version}.", name)
            : CheckResult.Fail("Version", $"PostgreSQL {facts.Version} is older than 10, which OmsSync needs (publications, pgoutput). Upgrade the server.", name));
        results.Add(facts.Encoding == "UTF8"
            ? CheckResult.Pass("Encoding", "The database encoding is UTF8.", name)
            : CheckResult.Warn("Encoding", $"The database encoding is {facts.Encoding}; text that does not fit it cannot be written. Use a UTF8 database.", name));

        if (role.HasFlag(DataSourceRole.Target) || role.HasFlag(DataSourceRole.ReverseTarget))
            results.Add(facts.CanCreate || facts.Superuser
                ? CheckResult.Pass("TargetPrivileges", $"The user may create schemas in database '{database}' (for the migrated schemas and `oms`).", name)
                : CheckResult.Fail("TargetPrivileges",
                    $"The user lacks CREATE on database '{database}', needed to create the migrated schemas and the `oms` schema. GRANT CREATE ON DATABASE {PostgresSyntax.QuoteIdentifier(database)} TO {PostgresSyntax.QuoteIdentifier(endpoint.Source.User)}.", name));
        if (role.HasFlag(DataSourceRole.Source) || role.HasFlag(DataSourceRole.IncrementalSource))
            results.Add(CheckResult.Pass("SourcePrivileges", "The user may connect; read access to each table is checked with the task.", name));
        if (role.HasFlag(DataSourceRole.IncrementalSource))
        {
            results.Add(facts.WalLevel == "logical"
                ? CheckResult.Pass("WalLevel", "wal_level = logical.", name)
                : CheckResult.Fail("WalLevel", $"wal_level is {facts.WalLevel}; incremental synchronization needs logical. Run ALTER SYSTEM SET wal_level = logical and restart the server.", name));
            results.Add(facts.Replication || facts.Superuser
                ? CheckResult.Pass("ReplicationPrivileges", "The user has the REPLICATION attribute.", name)
                : CheckResult.Fail("ReplicationPrivileges",
                    $"The user lacks the REPLICATION attribute, needed to read the WAL through a replication slot. ALTER ROLE {PostgresSyntax.QuoteIdentifier(endpoint.Source.User)} REPLICATION.", name));
            results.Add(facts.FreeSlots > 0
                ? CheckResult.Pass("ReplicationSlots", $"{facts.FreeSlots} of max_replication_slots ({facts.MaxSlots}) are free.", name)
                : CheckResult.Fail("ReplicationSlots",
                    $"All {facts.MaxSlots} replication slots are taken; each task needs one. Drop unused slots (pg_drop_replication_slot) or raise max_replication_slots and restart.", name));
            results.Add(facts.FreeSenders > 0
                ? CheckResult.Pass("WalSenders", $"{facts.FreeSenders} of max_wal_senders ({facts.MaxSenders}) are free.", name)
                : CheckResult.Fail("WalSenders", $"All {facts.MaxSenders} WAL senders are busy; each running task uses one. Raise max_wal_senders and restart.", name));
        }
        return results;
    }

    private sealed record Facts(string Version, int VersionNumber, string Encoding, bool CanCreate, bool Superuser, bool Replication,
        string WalLevel, int MaxSlots, int FreeSlots, int MaxSenders, int FreeSenders);

    private static async Task<Facts> ReadFactsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT current_setting('server_version'), current_setting('server_version_num')::int, current_setting('server_encoding'),
                   has_database_privilege(current_database(), 'CREATE'), r.rolsuper, r.rolreplication, current_setting('wal_level'),
                   current_setting('max_replication_slots')::int, (SELECT count(*)::int FROM pg_replication_slots),
                   current_setting('max_wal_senders')::int, (SELECT count(*)::int FROM pg_stat_replication)
            FROM pg_roles r WHERE r.rolname = current_user
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var maxSlots = reader.GetInt32(7);
        var maxSenders = reader.GetInt32(9);
        return new Facts(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5),
            reader.GetString(6), maxSlots, maxSlots - reader.GetInt32(8), maxSenders, maxSenders - reader.GetInt32(10));
    }
}
