using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using OmsSync.Integration.Tests.Infrastructure;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>
/// Reads a MySQL-family table as one string per row, each value in a form that is equal exactly when the values
/// are: bytes as hex, FLOAT through its exact DOUBLE bytes, BIT and YEAR as integers, text as UTF-8, JSON as a
/// document (keys sorted, no whitespace). The form depends on the original column's type, so a table that went to
/// PostgreSQL and back compares with the one it came from even where its types changed by the documented map.
/// </summary>
public static class CanonicalRows
{
    public static async Task<List<string>> ReadAsync(ServerAddress server, string database, string table, IReadOnlyList<(string Name, string Type)> columns, string orderBy)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, database);
        await using (var tz = new MySqlCommand("SET time_zone = '+00:00'", connection))
            await tz.ExecuteNonQueryAsync();
        var select = string.Join(", ", columns.Select(c => Expression(c.Name, c.Type)));
        await using var command = new MySqlCommand($"SELECT {select} FROM `{database}`.`{table}` ORDER BY {orderBy}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new List<string>();
            for (var i = 0; i < columns.Count; i++)
            {
                var value = reader.IsDBNull(i) ? "NULL" : reader.GetString(i);
                values.Add(columns[i].Type == "json" && value != "NULL" ? Json(value) : value);
            }
            rows.Add(string.Join("|", values));
        }
        return rows;
    }

    /// <summary>Fails naming every row and column whose values differ.</summary>
    public static void AssertEqual(IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Xunit.Assert.Equal(expected.Count, actual.Count);
        var differences = new List<string>();
        for (var r = 0; r < expected.Count; r++)
        {
            var want = expected[r].Split('|');
            var have = actual[r].Split('|');
            for (var c = 0; c < columns.Count; c++)
                if (want[c] != have[c])
                    differences.Add($"row {r + 1}, {columns[c].Name} ({columns[c].Type}): expected {want[c]}, got {have[c]}");
        }
        Xunit.Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
    }

    /// <summary>The columns of a table with their DATA_TYPE, in order.</summary>
    public static async Task<List<(string Name, string Type)>> ColumnsAsync(ServerAddress server, string database, string table)
    {
        await using var connection = await TestServers.OpenMySqlAsync(server, database);
        await using var command = new MySqlCommand(
            "SELECT COLUMN_NAME, IF(COLUMN_TYPE = 'longtext' AND EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS k WHERE k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA " +
            "AND k.TABLE_NAME = c.TABLE_NAME AND k.CONSTRAINT_NAME = c.COLUMN_NAME AND k.CHECK_CLAUSE LIKE 'json_valid%'), 'json', DATA_TYPE) " +
            "FROM information_schema.COLUMNS c WHERE TABLE_SCHEMA = @d AND TABLE_NAME = @t ORDER BY ORDINAL_POSITION", connection);
        command.Parameters.AddWithValue("@d", database);
        command.Parameters.AddWithValue("@t", table);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<(string, string)>();
        while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1)));
        return columns;
    }

    private static string Expression(string name, string type)
    {
        var q = "`" + name.Replace("`", "``") + "`";
        return type switch
        {
            "float" => $"HEX(CAST({q} + 0e0 AS BINARY))",
            "double" => $"HEX(CAST({q} AS BINARY))",
            "bit" or "year" => $"CAST({q} + 0 AS CHAR)",
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => $"HEX({q})",
            _ => $"CAST({q} AS CHAR CHARACTER SET utf8mb4)",
        };
    }

    public static string Json(string text)
    {
        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
            JsonArray a => new JsonArray(a.Select(e => Sort(e?.DeepClone())).ToArray()),
            _ => node?.DeepClone(),
        };
        return Sort(JsonNode.Parse(text))?.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";
    }
}
