using MySqlConnector;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>
/// Reads a table as exact text, one string per row, so two tables can be compared byte for byte:
/// every value as the hex of its stored bytes, FLOAT widened to DOUBLE, BIT as its integer.
/// </summary>
public static class TableSnapshot
{
    public static async Task<List<string>> ReadAsync(ServerAddress server, string database, string table, string orderBy)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, database);
        await using (var tz = new MySqlCommand("SET time_zone = '+00:00'", connection))
            await tz.ExecuteNonQueryAsync();
        var columns = new List<(string Name, string Type)>();
        await using (var command = new MySqlCommand(
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @d AND TABLE_NAME = @t ORDER BY ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@d", database);
            command.Parameters.AddWithValue("@t", table);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1)));
        }
        var expressions = columns.Select(c => c.Type switch
        {
            "float" => $"HEX(CAST({Q(c.Name)} + 0e0 AS BINARY))",
            "bit" => $"CAST({Q(c.Name)} + 0 AS CHAR)",
            _ => $"HEX(CAST({Q(c.Name)} AS BINARY))",
        });
        var sql = $"SELECT CONCAT_WS('|', {string.Join(", ", expressions.Select(e => $"COALESCE({e}, 'NULL')"))}) FROM {Q(database)}.{Q(table)} ORDER BY {orderBy}";
        var rows = new List<string>();
        await using (var select = new MySqlCommand(sql, connection))
        await using (var reader = await select.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static string Q(string name) => "`" + name.Replace("`", "``") + "`";

    public static async Task<long> CountAsync(ServerAddress server, string database, string table) =>
        Convert.ToInt64(await TestServers.ScalarAsync(server, $"SELECT COUNT(*) FROM {Q(database)}.{Q(table)}"));
}
