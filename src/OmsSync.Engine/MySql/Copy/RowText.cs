using OmsSync.Engine.FullLoad;
using OmsSync.Engine.MySql.Schema;
using System.Text.Json;
using MySqlConnector;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>Reads rows as JSON objects of column to text (binary values as 0x-hex) for the conflict log.</summary>
internal static class RowText
{
    public static string Expression(ColumnSchema column) => ChunkKey.IsBinary(column) || MySqlColumnTransfer.IsSpatial(column.DataType)
        ? $"CONCAT('0x', HEX({MySqlSyntax.QuoteIdentifier(column.Name)}))"
        : $"CAST({MySqlSyntax.QuoteIdentifier(column.Name)} AS CHAR CHARACTER SET utf8mb4)";

    public static async Task<List<Dictionary<string, string?>>> ReadAsync(MySqlConnection connection, MySqlTransaction? transaction, IReadOnlyList<ColumnSchema> columns,
        string from, string where, Action<MySqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        bind(command);
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(Expression))} FROM {from} WHERE {where}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<Dictionary<string, string?>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, string?>(columns.Count);
            for (var i = 0; i < columns.Count; i++)
                row[columns[i].Name] = reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(row);
        }
        return rows;
    }

    public static string Json(IReadOnlyDictionary<string, string?> row) => JsonSerializer.Serialize(row);

    public static string KeyJson(IReadOnlyList<ColumnSchema> keyColumns, IReadOnlyList<string?> values) =>
        JsonSerializer.Serialize(keyColumns.Select((c, i) => (c.Name, values[i])).ToDictionary(p => p.Name, p => p.Item2));
}
