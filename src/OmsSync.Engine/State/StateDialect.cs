using System.Data;
using System.Data.Common;
using System.Text.RegularExpressions;

namespace OmsSync.Engine.State;

/// <summary>
/// Everything that differs between the state store's backends, here and in one small class per backend
/// (SqliteStateDialect, MySqlStateDialect, PostgresStateDialect): how to connect, the column types the
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
