using OmsSync.Engine.Changes;
using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.Binlog;

/// <summary>Helpers shared by the binlog tests: a database per test, the current binlog position, and reading transactions until a condition.</summary>
internal sealed class BinlogTestDatabase : IAsyncDisposable
{
    private static int _serverId = 70_000 + Environment.ProcessId % 10_000 * 10;

    private BinlogTestDatabase(string name) => Name = name;

    public string Name { get; }
    public static ServerAddress Server => TestServers.MariaDbA;

    public static BinlogConnectionOptions Options(TimeSpan? heartbeat = null) => new()
    {
        Host = Server.Host,
        Port = Server.Port,
        User = TestServers.User,
        Password = TestServers.Password,
        ServerId = (uint)Interlocked.Increment(ref _serverId),
        HeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(1),
        TlsMode = BinlogTlsMode.Disabled,
    };

    public static async Task<BinlogTestDatabase> CreateAsync(string prefix)
    {
        var name = TestServers.UniqueName(prefix);
        await TestServers.ExecuteAsync(Server, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4");
        return new BinlogTestDatabase(name);
    }

    public Task ExecuteAsync(string sql) => TestServers.ExecuteAsync(Server, sql, Name);

    public async Task<MySqlConnection> OpenAsync() => await TestServers.OpenMySqlAsync(Server, Name);

    /// <summary>The server's current binlog file and offset (SHOW MASTER STATUS) with its GTID position.</summary>
    public static async Task<BinlogStartPosition> CurrentPositionAsync()
    {
        await using var connection = await TestServers.OpenMySqlAsync(Server);
        await using var command = new MySqlCommand("SHOW MASTER STATUS", connection);
        string file;
        long position;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync()) throw new InvalidOperationException("The test server has no binlog.");
            file = reader.GetString(0);
            position = Convert.ToInt64(reader.GetValue(1));
        }
        await using var gtid = new MySqlCommand("SELECT @@gtid_binlog_pos", connection);
        var gtids = (string?)await gtid.ExecuteScalarAsync();
        return BinlogStartPosition.FromFile(file, position, gtids);
    }

    /// <summary>Reads transactions from <paramref name="start"/> until <paramref name="enough"/> holds or the timeout passes.</summary>
    public static async Task<List<SourceTransaction>> ReadUntilAsync(BinlogStartPosition start, Func<List<SourceTransaction>, bool> enough,
        IBinlogSchemaProvider? schemas = null, TimeSpan? timeout = null, BinlogConnectionOptions? options = null)
    {
        options ??= Options();
        // Other test classes write to the same server at the same time: decode only the binlog tests' own databases.
        var reader = new BinlogTransactionReader(options, schemas ?? new InformationSchemaProvider(options),
            (database, _) => database.StartsWith("bl_", StringComparison.Ordinal));
        var result = new List<SourceTransaction>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            await foreach (var transaction in reader.ReadAsync(start, cts.Token))
            {
                result.Add(transaction);
                if (enough(result)) return result;
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Stopped waiting for binlog transactions; got: {string.Join(" | ", result)}");
        }
        return result;
    }

    /// <summary>Transactions that touched this database.</summary>
    public List<SourceTransaction> Mine(IEnumerable<SourceTransaction> transactions) =>
        transactions.Where(t => t.Changes.Any(c => c.Database == Name)).ToList();

    public async ValueTask DisposeAsync()
    {
        try { await TestServers.ExecuteAsync(Server, $"DROP DATABASE IF EXISTS `{Name}`"); }
        catch (MySqlException) { /* the server may be gone already */ }
    }
}
