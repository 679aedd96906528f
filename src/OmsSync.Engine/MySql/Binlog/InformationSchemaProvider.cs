using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// A schema provider that reads the source's current information_schema and caches it until a DDL
/// is seen. It knows only the present schema, so rows logged before a later DDL are decoded with
/// the newer definition: use it when reading close to the head of the binlog, or put a
/// position-versioned provider in front of it.
/// </summary>
public sealed class InformationSchemaProvider : IBinlogSchemaProvider
{
    private readonly string _connectionString;
    private readonly string _server;
    private readonly Dictionary<(string, string), TableSchema?> _cache = new();

    public InformationSchemaProvider(BinlogConnectionOptions options)
    {
        _server = options.Describe;
        _connectionString = new MySqlConnectionStringBuilder
        {
            Server = options.Host,
            Port = (uint)options.Port,
            UserID = options.User,
            Password = options.Password,
            Pooling = true,
            SslMode = options.TlsMode switch
            {
                BinlogTlsMode.Disabled => MySqlSslMode.None,
                BinlogTlsMode.Required => MySqlSslMode.Required,
                _ => MySqlSslMode.Preferred,
            },
            AllowPublicKeyRetrieval = options.AllowPublicKeyRetrieval,
        }.ConnectionString;
    }

    public async ValueTask<TableSchema?> GetTableAsync(string database, string table, BinlogPosition position, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue((database, table), out var cached)) return cached;
        var schema = await LoadAsync(database, table, cancellationToken).ConfigureAwait(false);
        _cache[(database, table)] = schema;
        return schema;
    }

    public ValueTask OnDdlAsync(string database, string statement, BinlogPosition position, CancellationToken cancellationToken)
    {
        _cache.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>Of a system-versioned table: true when its period columns are implicit (SHOW CREATE TABLE declares no PERIOD).</summary>
    private static async Task<bool> HasImplicitPeriodAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        var create = await new Schema.MySqlSchemaReader(connection).ShowCreateTableAsync(database, table, cancellationToken).ConfigureAwait(false);
        return Schema.SystemVersioningText.Period(create) is null;
    }

    private async Task<TableSchema?> LoadAsync(string database, string table, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.UnableToConnectToHost || e.InnerException is IOException or System.Net.Sockets.SocketException)
        {
            // A lost source is retried like the binlog connection, and named.
            throw new IOException($"Cannot reach {_server} to read the definition of {database}.{table}: {e.Message}", e);
        }
        var columns = new List<ColumnSchema>();
        var versioned = false;
        // The table's type comes with each column; the join names the table outright so that the server looks up that one.
        await using (var command = new MySqlCommand(
            "SELECT c.COLUMN_NAME, c.ORDINAL_POSITION, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, c.CHARACTER_SET_NAME, c.COLLATION_NAME, c.EXTRA, t.TABLE_TYPE " +
            "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = @db AND t.TABLE_NAME = @t " +
            "WHERE c.TABLE_SCHEMA = @db AND c.TABLE_NAME = @t ORDER BY c.ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@t", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns.Add(new ColumnSchema
                {
                    Name = reader.GetString(0),
                    Ordinal = Convert.ToInt32(reader.GetValue(1)),
                    DataType = reader.GetString(2).ToLowerInvariant(),
                    ColumnType = reader.GetString(3),
                    Nullable = reader.GetString(4) == "YES",
                    Charset = reader.IsDBNull(5) ? null : reader.GetString(5),
                    Collation = reader.IsDBNull(6) ? null : reader.GetString(6),
                    AutoIncrement = !reader.IsDBNull(7) && reader.GetString(7).Contains("auto_increment", StringComparison.OrdinalIgnoreCase),
                });
                versioned = !reader.IsDBNull(8) && reader.GetString(8) == "SYSTEM VERSIONED";
            }
        }
        if (columns.Count == 0) return null;
        // The binlog carries a system-versioned table's hidden period columns after its declared ones.
        if (versioned && await HasImplicitPeriodAsync(connection, database, table, cancellationToken).ConfigureAwait(false))
            columns.AddRange(Schema.SystemVersioningText.ImplicitColumns(columns.Max(c => c.Ordinal)));

        var indexes = new Dictionary<string, (bool Unique, List<IndexColumn> Columns)>();
        await using (var command = new MySqlCommand(
            "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS " +
            "WHERE TABLE_SCHEMA = @db AND TABLE_NAME = @t ORDER BY INDEX_NAME, SEQ_IN_INDEX", connection))
        {
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@t", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                if (!indexes.TryGetValue(name, out var index))
                    indexes[name] = index = (Convert.ToInt32(reader.GetValue(1)) == 0, new List<IndexColumn>());
                index.Columns.Add(new IndexColumn(reader.GetString(2), reader.IsDBNull(3) ? null : Convert.ToInt32(reader.GetValue(3))));
            }
        }
        return new TableSchema
        {
            Database = database,
            Name = table,
            Columns = columns,
            Indexes = indexes.Select(i => new IndexSchema
            {
                Name = i.Key,
                Kind = i.Key == "PRIMARY" ? IndexKind.Primary : i.Value.Unique ? IndexKind.Unique : IndexKind.Secondary,
                Columns = i.Value.Columns,
            }).ToList(),
        };
    }
}
