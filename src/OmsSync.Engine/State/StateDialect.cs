using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace OmsSync.Engine.State;

/// <summary>
/// Everything that differs between the state store's backends, in one place: how to connect, the column types the
/// schema steps name by token, upserts, the lock that serialises schema upgrades, and which errors mean what. The
/// stores write one SQL text with @named parameters and <c>INSERT ... ON CONFLICT(key) DO UPDATE SET</c> upserts
/// (SQLite's and PostgreSQL's form); the MySQL-family dialect rewrites those into its own.
/// </summary>
internal abstract class StateDialect
{
    public abstract StateStoreType Type { get; }

    /// <summary>Column types and clauses the schema steps write as {tokens}.</summary>
    protected abstract IReadOnlyDictionary<string, string> Tokens { get; }

    /// <summary>Appended to a SELECT that reads a row to change it within a write transaction (SQLite's write lock covers the file).</summary>
    public virtual string ForUpdate => " FOR UPDATE";

    /// <summary>The statement that lets a transaction break foreign keys until it commits (a task rename).</summary>
    public abstract string DeferForeignKeys { get; }

    /// <summary>With it (Set-OmsStateStore choosing the store) a missing database is created on first use; without it that is an error.</summary>
    protected bool CreateDatabase { get; init; }

    public DbConnection Open()
    {
        var connection = NewConnection();
        try
        {
            connection.Open();
        }
        catch (DbException e) when (CreateDatabase && IsMissingDatabase(e))
        {
            CreateMissingDatabase();
            connection.Open();
        }
        Configure(connection);
        return connection;
    }

    protected abstract DbConnection NewConnection();

    protected virtual bool IsMissingDatabase(DbException e) => false;

    protected virtual void CreateMissingDatabase() { }

    /// <summary>Session settings every connection needs before it is used.</summary>
    protected virtual void Configure(DbConnection connection) { }

    /// <summary>A transaction that writes: it takes its locks as it goes and sees its own writes.</summary>
    public virtual DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(IsolationLevel.ReadCommitted);

    public string Render(string step) => Regex.Replace(step, @"\{(\w+)\}", m => Tokens[m.Groups[1].Value]);

    public virtual string Translate(string sql) => sql;

    /// <summary>A primary key or unique constraint refused the row.</summary>
    public abstract bool IsUniqueViolation(DbException e);

    /// <summary>The server gave up the transaction to break a deadlock or a serialization conflict: running it again is safe.</summary>
    public virtual bool IsRetryable(DbException e) => false;

    /// <summary>Takes the lock that lets one process at a time upgrade the schema, on the connection that will upgrade it.</summary>
    public abstract void LockSchema(DbConnection connection);

    public abstract void UnlockSchema(DbConnection connection);

    /// <summary>What the backend needs before the first schema step (PostgreSQL: the case-insensitive collation names use).</summary>
    public virtual void Prepare(DbConnection connection) { }

    /// <summary>After rows were copied in with their ids, the next id given is past them.</summary>
    public virtual void ResetIdentity(DbConnection connection, DbTransaction transaction, string table) { }

    public static StateDialect For(OmsHome home, StateStoreSettings settings, bool createDatabase) => settings.Type switch
    {
        StateStoreType.Sqlite => new SqliteStateDialect(home),
        StateStoreType.MariaDb or StateStoreType.MySql => new MySqlStateDialect(settings, settings.Password(home)) { CreateDatabase = createDatabase },
        StateStoreType.PostgreSql => new PostgresStateDialect(settings, settings.Password(home)) { CreateDatabase = createDatabase },
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Type, null),
    };

    protected static void Run(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}

/// <summary>The embedded default: state.db in OMSSYNC_HOME, in WAL mode, its version in PRAGMA user_version.</summary>
internal sealed class SqliteStateDialect : StateDialect
{
    private readonly string _connectionString;

    public SqliteStateDialect(OmsHome home)
    {
        SqliteNative.EnsureResolvable();
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = home.StateDatabase,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    public override StateStoreType Type => StateStoreType.Sqlite;

    protected override IReadOnlyDictionary<string, string> Tokens { get; } = new Dictionary<string, string>
    {
        ["name"] = "TEXT COLLATE NOCASE", ["key"] = "TEXT", ["text"] = "TEXT", ["int"] = "INTEGER", ["real"] = "REAL",
        ["blob"] = "BLOB", ["id"] = "INTEGER PRIMARY KEY AUTOINCREMENT", ["prefix"] = "", ["deferrable"] = "",
    };

    public override string ForUpdate => "";

    public override string DeferForeignKeys => "PRAGMA defer_foreign_keys = ON";

    protected override DbConnection NewConnection() => new SqliteConnection(_connectionString);

    protected override void Configure(DbConnection connection) =>
        Run(connection, "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");

    // BEGIN IMMEDIATE takes the file's write lock first, so two writers serialise instead of failing at their first write.
    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override bool IsUniqueViolation(DbException e) => e is SqliteException { SqliteErrorCode: 19 } s && s.Message.Contains("UNIQUE");

    public override void LockSchema(DbConnection connection) => Run(connection, "PRAGMA journal_mode = WAL;");

    public override void UnlockSchema(DbConnection connection) { }
}

/// <summary>MariaDB (10.5 or later: column REFERENCES, INSERT ... RETURNING) and MySQL, through MySqlConnector.</summary>
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

/// <summary>PostgreSQL (12 or later, with ICU for the case-insensitive collation task and data source names use), through Npgsql.</summary>
internal sealed class PostgresStateDialect(StateStoreSettings settings, string password) : StateDialect
{
    private const long LockKey = 0x4F4D5353594E43; // "OMSSYNC"
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder
    {
        Host = settings.Server, Port = settings.Port, Database = settings.Database, Username = settings.User, Password = password,
        Pooling = true, CommandTimeout = 60,
    }.ConnectionString;

    public override StateStoreType Type => StateStoreType.PostgreSql;

    protected override IReadOnlyDictionary<string, string> Tokens { get; } = new Dictionary<string, string>
    {
        ["name"] = "TEXT COLLATE oms_nocase", ["key"] = "TEXT", ["text"] = "TEXT", ["int"] = "BIGINT", ["real"] = "DOUBLE PRECISION",
        ["blob"] = "BYTEA", ["id"] = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", ["prefix"] = "", ["deferrable"] = "DEFERRABLE",
    };

    // References are checked at commit only where a transaction says so (a task rename), immediately otherwise.
    public override string DeferForeignKeys => "SET CONSTRAINTS ALL DEFERRED";

    protected override DbConnection NewConnection() => new NpgsqlConnection(_connectionString);

    protected override bool IsMissingDatabase(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName };

    protected override void CreateMissingDatabase()
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Database = "postgres", Pooling = false };
        using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        try
        {
            Run(connection, $"CREATE DATABASE \"{settings.Database.Replace("\"", "\"\"")}\" ENCODING 'UTF8' TEMPLATE template0");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it first.
        }
    }

    public override bool IsUniqueViolation(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsRetryable(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override void LockSchema(DbConnection connection) => Run(connection, $"SELECT pg_advisory_lock({LockKey})");

    public override void UnlockSchema(DbConnection connection) => Run(connection, $"SELECT pg_advisory_unlock({LockKey})");

    public override void Prepare(DbConnection connection) =>
        Run(connection, "CREATE COLLATION IF NOT EXISTS oms_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");

    public override void ResetIdentity(DbConnection connection, DbTransaction transaction, string table) =>
        Run(connection, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM {table}", transaction);
}
