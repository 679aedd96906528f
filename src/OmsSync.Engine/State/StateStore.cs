using Microsoft.Data.Sqlite;

namespace OmsSync.Engine.State;

/// <summary>
/// The SQLite state store shared by cmdlets and workers in separate processes. WAL mode lets readers
/// proceed while a worker writes; a busy timeout absorbs the short write locks of the other side.
/// </summary>
public sealed class StateStore
{
    private readonly string _connectionString;

    private StateStore(OmsHome home)
    {
        Home = home;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = home.StateDatabase,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    public OmsHome Home { get; }

    public static StateStore Open(OmsHome home)
    {
        SqliteNative.EnsureResolvable();
        Kafka.KafkaEndpoint.EnsureNativeLoaded(); // only where to find librdkafka: it loads when a Kafka client is first made
        home.EnsureCreated();
        var store = new StateStore(home);
        using var connection = store.Connect();
        StateSchema.Migrate(connection);
        return store;
    }

    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(map(reader));
        return rows;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
