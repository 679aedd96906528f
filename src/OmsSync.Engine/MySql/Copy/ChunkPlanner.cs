using OmsSync.Engine.FullLoad;
using OmsSync.Engine.MySql.Schema;
using MySqlConnector;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>Cuts a table into chunks of about the same number of rows by walking its key index.</summary>
internal static class ChunkPlanner
{
    /// <param name="from">The table as the copy reads it (<see cref="TableCopyPlan.SourceName"/>).</param>
    public static async Task<IReadOnlyList<Chunk>> PlanAsync(MySqlConnection source, string from, ChunkKey? key,
        long rowsPerChunk, CancellationToken cancellationToken)
    {
        if (key is null)
            return [new Chunk(0, null, null)]; // no usable key: one chunk, loaded in one target transaction
        var chunks = new List<Chunk>();
        IReadOnlyList<string?>? lower = null;
        await foreach (var upper in BoundariesAsync(source, from, key, rowsPerChunk, cancellationToken).ConfigureAwait(false))
        {
            chunks.Add(new Chunk(chunks.Count, lower, upper));
            lower = upper;
        }
        chunks.Add(new Chunk(chunks.Count, lower, null));
        return chunks;
    }

    /// <summary>
    /// The upper boundary of each chunk but the last, in key order, as they are found: a caller may start on the
    /// first chunks while later ones are still being cut. <paramref name="from"/> is the table as it is read: quoted, with
    /// FOR SYSTEM_TIME ALL or a PARTITION clause where they apply.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<string?>> BoundariesAsync(MySqlConnection source, string from, ChunkKey key,
        long rowsPerChunk, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<string?>? previous = null;
        while (true)
        {
            var values = new string?[key.Columns.Count];
            await using (var command = new MySqlCommand { Connection = source })
            {
                var where = previous is null ? "" : " WHERE " + key.After(previous, command, "b");
                command.CommandText =
                    $"SELECT {key.BoundarySelect} FROM {from}{where} " +
                    $"ORDER BY {key.OrderBy} LIMIT 1 OFFSET {rowsPerChunk - 1}";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    yield break;
                for (var i = 0; i < values.Length; i++)
                    values[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }
            yield return values;
            previous = values;
        }
    }

    /// <summary>The chunks that consecutive upper boundaries make: (-inf, b0], (b0, b1], ..., (bn, +inf).</summary>
    public static IReadOnlyList<Chunk> Between(IReadOnlyList<IReadOnlyList<string?>> boundaries)
    {
        var chunks = new List<Chunk>(boundaries.Count + 1);
        IReadOnlyList<string?>? lower = null;
        foreach (var upper in boundaries)
        {
            chunks.Add(new Chunk(chunks.Count, lower, upper));
            lower = upper;
        }
        chunks.Add(new Chunk(chunks.Count, lower, null));
        return chunks;
    }
}
