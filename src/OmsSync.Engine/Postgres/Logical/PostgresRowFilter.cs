using System.Text;
using System.Text.Json;
using Npgsql;
using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// Applies a task's row filters (WHERE conditions in PostgreSQL's SQL) to changes read from PostgreSQL. The source
/// evaluates them on the images in its own text, typed by the table's row type (jsonb_populate_record), so every
/// function and comparison means what it meant during the full copy. An update that crosses the filter becomes an
/// insert or a delete, as from the binlog (<see cref="RowFilterEvaluator.Through"/>).
/// </summary>
internal sealed class PostgresRowFilter(NpgsqlConnection source) : IRowFilter
{
    private const int ImagesPerQuery = 500;

    public async Task<RowChange?[]> ThroughAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, CancellationToken cancellationToken)
    {
        var result = new RowChange?[changes.Count];
        var images = new (string? Before, string? After)[changes.Count];
        var verdicts = new Dictionary<(TaskTable, string), bool>();
        for (var i = 0; i < changes.Count; i++)
        {
            var (plan, change) = changes[i];
            result[i] = change;
            if (plan.Table.Mapping.RowFilter is null) continue;
            images[i] = (Json(change, change.Before), Json(change, change.After));
        }
        foreach (var group in Enumerable.Range(0, changes.Count).Where(i => changes[i].Plan.Table.Mapping.RowFilter is not null).GroupBy(i => changes[i].Plan.Table))
        {
            var distinct = group.SelectMany(i => new[] { images[i].Before, images[i].After }).OfType<string>().Distinct().ToList();
            for (var start = 0; start < distinct.Count; start += ImagesPerQuery)
            {
                var slice = distinct.Skip(start).Take(ImagesPerQuery).ToList();
                var passed = await EvaluateAsync(group.Key, slice, cancellationToken).ConfigureAwait(false);
                for (var k = 0; k < slice.Count; k++) verdicts[(group.Key, slice[k])] = passed[k];
            }
            foreach (var i in group)
            {
                var change = changes[i].Change;
                bool Passes(string? image) => image is not null && verdicts[(group.Key, image)];
                result[i] = RowFilterEvaluator.Through(change, change.Before is not null && Passes(images[i].Before), change.After is not null && Passes(images[i].After));
            }
        }
        return result;
    }

    /// <summary>An image as a JSON object of column to PostgreSQL text; a value that was not sent is left out.</summary>
    private static string? Json(RowChange change, IReadOnlyList<object?>? image)
    {
        if (image is null) return null;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < image.Count; i++)
            {
                if (image[i] is ColumnNotLogged || change.ColumnNames[i] is not { } name) continue;
                if (image[i] is string text) json.WriteString(name, text);
                else json.WriteNull(name);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task<bool[]> EvaluateAsync(TaskTable table, IReadOnlyList<string> images, CancellationToken cancellationToken)
    {
        // The images are named after the table, so the filter's column names (qualified or not) resolve to them.
        var name = PostgresSyntax.QuoteIdentifier(table.Mapping.SourceTable);
        var sql = $"SELECT x.__oms_ordinal, COALESCE(({table.Mapping.RowFilter}), false) " +
                  $"FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(__oms_image, __oms_ordinal), " +
                  $"LATERAL jsonb_populate_record(NULL::{PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable)}, x.__oms_image) AS {name}";
        // The filter is text a user wrote: one statement (the images go as a positional parameter), in a read-only transaction.
        await using var command = new NpgsqlCommand(sql, source);
        command.Parameters.AddWithValue("[" + string.Join(",", images) + "]");
        return await PostgresReadOnly.RunAsync(source, async transaction =>
        {
            command.Transaction = transaction;
            var result = new bool[images.Count];
            await using var reader = await Connections.SingleStatement.For(command).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                result[reader.GetInt64(0) - 1] = reader.GetBoolean(1);
            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();
}
