using System.Data.Common;

namespace OmsSync.Engine.State;

/// <summary>
/// The state store shared by cmdlets and workers in separate processes, on the backend the home names
/// (<see cref="StateStoreSettings"/>): the SQLite file by default, or a database on a MariaDB/MySQL or PostgreSQL server
/// that processes on many hosts share. Every statement is one transaction of its own; what reads a row to change it runs
/// in <see cref="InTransaction{T}"/> and locks the row first, so two writers never lose one another's update.
/// </summary>
public sealed class StateStore
{
    private readonly StateDialect _dialect;

    private StateStore(OmsHome home, StateStoreSettings settings, bool createDatabase)
    {
        Home = home;
        Settings = settings;
        _dialect = StateDialect.For(home, settings, createDatabase);
    }

    public OmsHome Home { get; }

    public StateStoreSettings Settings { get; }

    internal StateDialect Dialect => _dialect;

    /// <summary>Opens the home's state store, upgrading its schema to this version's.</summary>
    public static StateStore Open(OmsHome home) => Open(home, StateStoreSettings.Load(home));

    /// <summary>
    /// Opens the given backend for the home (whatever its settings file says), upgrading its schema; creates its database
    /// when <paramref name="createDatabase"/> says so (choosing the store), never otherwise (a name mistyped stays an error).
    /// </summary>
    public static StateStore Open(OmsHome home, StateStoreSettings settings, bool createDatabase = false)
    {
        Kafka.KafkaEndpoint.EnsureNativeLoaded(); // only where to find librdkafka: it loads when a Kafka client is first made
        home.EnsureCreated();
        var store = new StateStore(home, settings, createDatabase);
        using var connection = store.Connect();
        StateSchema.Migrate(store._dialect, connection);
        return store;
    }

    public DbConnection Connect()
    {
        try
        {
            return _dialect.Open();
        }
        catch (DbException e) when (_dialect.Type != StateStoreType.Sqlite)
        {
            throw new Errors.OmsException("StateStoreUnreachable", Errors.OmsErrorKind.ConnectionFailed, Settings.ToString(),
                $"The state store {Settings} cannot be reached: {e.Message} Check it with Get-OmsStateStore; choose it again with Set-OmsStateStore.", e);
        }
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        using var command = Command(connection, sql, parameters);
        return Read(command, map);
    }

    internal static List<T> Read<T>(DbCommand command, Func<DbDataReader, T> map)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(map(reader));
        return rows;
    }

    /// <summary>A command on the connection (in the transaction, when given), its SQL in this backend's words.</summary>
    public DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, null, sql, parameters);

    public DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = _dialect.Translate(sql);
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
            AddParameter(command, name, value);
        return command;
    }

    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Begins a transaction that writes (SQLite: takes the file's write lock at once).</summary>
    public DbTransaction BeginWrite(DbConnection connection) => _dialect.BeginWrite(connection);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction and commits it; run again from the start when the server
    /// chose it as a deadlock's victim. Rows read with <see cref="ForUpdate"/> stay locked until the commit.
    /// </summary>
    public T InTransaction<T>(Func<DbConnection, DbTransaction, T> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var connection = Connect();
            using var transaction = BeginWrite(connection);
            try
            {
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            }
            catch (DbException e) when (attempt < 10 && _dialect.IsRetryable(e))
            {
                Thread.Sleep(Random.Shared.Next(10, 50 * attempt));
            }
        }
    }

    public void InTransaction(Action<DbConnection, DbTransaction> work) =>
        InTransaction<bool>((connection, transaction) => { work(connection, transaction); return true; });

    /// <summary>Appended to a SELECT in a write transaction that reads rows to change them.</summary>
    public string ForUpdate => _dialect.ForUpdate;

    public bool IsUniqueViolation(DbException e) => _dialect.IsUniqueViolation(e);
}
