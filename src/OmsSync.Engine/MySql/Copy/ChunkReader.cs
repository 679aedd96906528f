using MySqlConnector;
using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>Reads one chunk of a MySQL-family source table, each value as the bytes its column transfer selects.</summary>
internal static class ChunkReader
{
    public static async Task ReadAsync(MySqlConnection source, TableCopyPlan plan, Chunk chunk, ChunkBuffer output,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand { Connection = source };
        command.CommandText = SelectSql(plan, chunk, command);
        // A row filter is text a user wrote: the server must take one statement from it, whatever it holds.
        await using var reader = await Connections.SingleStatement.For(command, !string.IsNullOrWhiteSpace(plan.Mapping.RowFilter))
            .ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        var count = plan.Transfers.Count;
        var scratch = new byte[8192];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    output.WriteNull();
                    continue;
                }
                var length = (int)reader.GetBytes(i, 0, null, 0, 0);
                if (length > scratch.Length)
                    scratch = new byte[Math.Max(length, scratch.Length * 2)];
                reader.GetBytes(i, 0, scratch, 0, length);
                output.WriteValue(scratch.AsSpan(0, length));
            }
            output.EndRow();
        }
    }

    /// <summary>SELECT of one chunk: the key range, and the task's row filter evaluated on the source.</summary>
    public static string SelectSql(TableCopyPlan plan, Chunk chunk, MySqlCommand command)
    {
        var where = " WHERE " + plan.KeyRange(chunk, command);
        if (!string.IsNullOrWhiteSpace(plan.Mapping.RowFilter))
            where += $" AND ({plan.Mapping.RowFilter})";
        return $"SELECT {string.Join(", ", plan.Transfers.Select(t => t.SelectExpression))} FROM {plan.SourceName}{where}";
    }
}
