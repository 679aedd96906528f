using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace OmsSync.Engine.State;

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
