using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace OmsSync.Engine.State;

/// <summary>MariaDB (10.5 or later: column REFERENCES, INSERT ... RETURNING), through MySqlConnector.</summary>
internal sealed class MySqlStateDialect(StateStoreSettings settings, string password) : StateDialect
{
    private const string LockName = "omssync_state_schema";
    private readonly string _connectionString = new MySqlConnectionStringBuilder
    {
        Server = settings.Server, Port = (uint)settings.Port, Database = settings.Database, UserID = settings.User, Password = password,
        Pooling = true, CharacterSet = "utf8mb4", DefaultCommandTimeout = 60,
    }.ConnectionString;

    private readonly ConcurrentDictionary<string, string> _translated = new();

    public override StateStoreType Type => settings.Type;

    protected override IReadOnlyDictionary<string, string> Tokens { get; } = new Dictionary<string, string>
    {
        // Keys stay within InnoDB's 3072-byte index limit in utf8mb4; names compare without case, as SQLite's NOCASE does.
        ["name"] = "VARCHAR(190) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        ["key"] = "VARCHAR(190) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        ["text"] = "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", ["int"] = "BIGINT", ["real"] = "DOUBLE", ["blob"] = "LONGBLOB",
        ["id"] = "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY", ["prefix"] = "(190)", ["deferrable"] = "",
    };

    public override string DeferForeignKeys => "SET foreign_key_checks = 0";

    protected override DbConnection NewConnection() => new MySqlConnection(_connectionString);

    // "database" is a column of data_sources: double quotes name it in every backend.
    protected override void Configure(DbConnection connection) =>
        Run(connection, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'), SESSION time_zone = '+00:00'");

    protected override bool IsMissingDatabase(DbException e) => e is MySqlException { ErrorCode: MySqlErrorCode.UnknownDatabase };

    protected override void CreateMissingDatabase()
    {
        var builder = new MySqlConnectionStringBuilder(_connectionString) { Database = "" };
        using var connection = new MySqlConnection(builder.ConnectionString);
        connection.Open();
        Run(connection, $"CREATE DATABASE IF NOT EXISTS `{settings.Database.Replace("`", "``")}` CHARACTER SET utf8mb4");
    }

    public override string Translate(string sql) => _translated.GetOrAdd(sql, static s =>
    {
        s = Regex.Replace(s, @"ON CONFLICT\s*\(([^,)]+)[^)]*\)\s*DO NOTHING", "ON DUPLICATE KEY UPDATE $1 = $1");
        s = Regex.Replace(s, @"ON CONFLICT\s*\([^)]*\)\s*DO UPDATE SET", "ON DUPLICATE KEY UPDATE");
        return Regex.Replace(s, @"\bexcluded\.(\w+)", "VALUES($1)");
    });

    // The stores read ids back with INSERT ... RETURNING and the steps create indexes IF NOT EXISTS: MariaDB's SQL, not MySQL's.
    public override void Prepare(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT VERSION()";
        var version = Convert.ToString(command.ExecuteScalar()) ?? "";
        if (!version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"The state store {settings} is MySQL {version}; a MySQL-family state store needs MariaDB 10.5 or later. Choose a MariaDB or PostgreSQL server.");
    }

    public override bool IsUniqueViolation(DbException e) => e is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public override bool IsRetryable(DbException e) =>
        e is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    public override void LockSchema(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT GET_LOCK('{LockName}', 300)";
        if (Convert.ToInt64(command.ExecuteScalar()) != 1)
            throw new InvalidOperationException($"Another process has been upgrading the state store '{settings}' for 5 minutes; try again when it is done.");
    }

    public override void UnlockSchema(DbConnection connection) => Run(connection, $"DO RELEASE_LOCK('{LockName}')");
}
