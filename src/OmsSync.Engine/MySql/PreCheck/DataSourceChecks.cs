using MySqlConnector;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.MySql.PreCheck;

/// <summary>Pre-checks of one MySQL-family data source for the roles it plays in tasks.</summary>
public static class DataSourceChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(MySqlEndpoint endpoint, DataSourceRole role, CancellationToken cancellationToken)
    {
        var name = endpoint.Source.Name;
        var results = new List<CheckResult>();
        var (connection, milliseconds) = await Connectivity.OpenAsync(endpoint.OpenAsync, name, results, cancellationToken).ConfigureAwait(false);
        if (connection is null) return results;
        await using var _ = connection;
        results.Add(CheckResult.Pass("Connectivity", $"Connected to {endpoint.Source.Endpoint} as '{endpoint.Source.User}' in {milliseconds} ms.", name));

        var variables = await VariablesAsync(connection, cancellationToken).ConfigureAwait(false);
        results.Add(CheckVersion(endpoint.Source, variables));

        var grants = await GrantsAsync(connection, cancellationToken).ConfigureAwait(false);
        if (role.HasFlag(DataSourceRole.Source) || role.HasFlag(DataSourceRole.IncrementalSource))
            results.Add(CheckPrivileges("SourcePrivileges", name, grants, ["SELECT"], "read the migrated tables"));
        if (role.HasFlag(DataSourceRole.Target))
        {
            results.Add(CheckPrivileges("TargetPrivileges", name, grants,
                ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "INDEX", "CREATE VIEW"], "create and write the migrated objects and the `oms` database"));
            results.Add(variables.GetValueOrDefault("local_infile") is "ON" or "1"
                ? CheckResult.Pass("BulkLoad", "local_infile is ON: full migration loads with LOAD DATA LOCAL.", name)
                : CheckResult.Warn("BulkLoad", "local_infile is OFF: full migration falls back to multi-row INSERT, which is slower. Enable it with SET GLOBAL local_infile = ON.", name));
        }
        if (role.HasFlag(DataSourceRole.ReverseTarget))
            results.Add(CheckPrivileges("ReversePrivileges", name, grants, ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE"],
                "apply the reverse direction's changes and keep its checkpoint in the `oms` database"));
        if (role.HasFlag(DataSourceRole.IncrementalSource))
        {
            results.Add(CheckPrivileges("ReplicationPrivileges", name, grants, ["REPLICATION SLAVE"], "read the binlog",
                alternatives: ["REPLICATION REPLICA"]));
            results.AddRange(BinlogSettings(variables, name));
            results.Add(await CheckOmsNotFilteredAsync(connection, name, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    /// <summary>The binlog settings incremental reading needs of a source, read from it: a check each (log_bin, ROW format, FULL row image).</summary>
    internal static async Task<IReadOnlyList<CheckResult>> BinlogSettingsAsync(MySqlConnection connection, string name, CancellationToken cancellationToken) =>
        BinlogSettings(await VariablesAsync(connection, cancellationToken).ConfigureAwait(false), name);

    private static IReadOnlyList<CheckResult> BinlogSettings(IReadOnlyDictionary<string, string> variables, string name) =>
    [
        Expect(variables, "log_bin", "ON", name, "Binlog", "Enable the binlog: start the server with --log-bin."),
        Expect(variables, "binlog_format", "ROW", name, "BinlogFormat", "Set binlog_format=ROW in the server's configuration (SET GLOBAL binlog_format='ROW' for new sessions)."),
        Expect(variables, "binlog_row_image", "FULL", name, "BinlogRowImage", "Set binlog_row_image=FULL: before-images must hold every column."),
    ];

    private static CheckResult CheckVersion(DataSource source, IReadOnlyDictionary<string, string> variables)
    {
        var version = variables.GetValueOrDefault("version") ?? "";
        var comment = variables.GetValueOrDefault("version_comment") ?? "";
        var detected = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? DataSourceKind.MariaDb
            : version.Contains("TiDB", StringComparison.OrdinalIgnoreCase) ? DataSourceKind.TiDb
            : comment.Contains("OceanBase", StringComparison.OrdinalIgnoreCase) || version.Contains("OceanBase", StringComparison.OrdinalIgnoreCase) ? DataSourceKind.OceanBaseMySql
            : DataSourceKind.MySql;
        var text = $"{version} ({comment})";
        return detected == source.Kind
            ? CheckResult.Pass("Version", $"{detected} {text}.", source.Name)
            : CheckResult.Warn("Version", $"The server is {detected} {text} but the data source says {source.Kind}. Correct it with Set-OmsDataSource -Type {detected}.", source.Name);
    }

    private static CheckResult Expect(IReadOnlyDictionary<string, string> variables, string variable, string wanted, string target, string check, string fix)
    {
        var value = variables.GetValueOrDefault(variable) ?? "(not set)";
        return string.Equals(value, wanted, StringComparison.OrdinalIgnoreCase) || (wanted == "ON" && value == "1")
            ? CheckResult.Pass(check, $"{variable} = {value}.", target)
            : CheckResult.Fail(check, $"{variable} is {value}; incremental synchronization needs {wanted}. {fix}", target);
    }

    private static CheckResult CheckPrivileges(string check, string target, IReadOnlyList<string> grants, string[] needed, string purpose, string[]? alternatives = null)
    {
        var text = string.Join("\n", grants).ToUpperInvariant();
        if (text.Contains("GRANT ALL PRIVILEGES ON *.*"))
            return CheckResult.Pass(check, "The user has ALL PRIVILEGES.", target);
        var missing = needed.Where(p => !text.Contains(p) && !(alternatives ?? []).Any(a => text.Contains(a))).ToList();
        return missing.Count == 0
            ? CheckResult.Pass(check, $"The user may {purpose} ({string.Join(", ", needed)}).", target)
            : CheckResult.Fail(check, $"The user lacks {string.Join(", ", missing)}, needed to {purpose}. GRANT {string.Join(", ", missing)} ON *.* TO the user.", target);
    }

    private static async Task<CheckResult> CheckOmsNotFilteredAsync(MySqlConnection connection, string target, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SHOW MASTER STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return CheckResult.Fail("OmsBinlogged", "SHOW MASTER STATUS returned nothing: the binlog is off.", target);
        string Column(string name)
        {
            for (var i = 0; i < reader.FieldCount; i++)
                if (reader.GetName(i) == name)
                    return reader.IsDBNull(i) ? "" : reader.GetString(i);
            return "";
        }
        var doDb = Column("Binlog_Do_DB");
        var ignoreDb = Column("Binlog_Ignore_DB");
        var ignored = ignoreDb.Split(',').Any(d => d.Trim() == "oms") || (doDb.Length > 0 && !doDb.Split(',').Any(d => d.Trim() == "oms"));
        return ignored
            ? CheckResult.Fail("OmsBinlogged", $"The `oms` database is filtered out of the binlog (binlog-do-db '{doDb}', binlog-ignore-db '{ignoreDb}'). Loop prevention needs its writes in the binlog: remove the filter.", target)
            : CheckResult.Pass("OmsBinlogged", "The `oms` database is written to the binlog.", target);
    }

    private static async Task<Dictionary<string, string>> VariablesAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'version_comment', 'log_bin', 'binlog_format', 'binlog_row_image', 'local_infile', 'server_id', 'gtid_mode')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            values[reader.GetString(0)] = reader.GetString(1);
        return values;
    }

    private static async Task<List<string>> GrantsAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SHOW GRANTS", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var grants = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            grants.Add(reader.GetString(0));
        return grants;
    }
}
