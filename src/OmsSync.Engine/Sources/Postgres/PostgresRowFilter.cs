using Npgsql;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema.Postgres;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>
/// Applies a task's row filters (WHERE conditions in PostgreSQL's SQL) to changes read from PostgreSQL. The source
/// evaluates them on the images in its own text, typed by the table's row type (jsonb_populate_record), so every
/// function and comparison means what it meant during the full copy. An update that crosses the filter becomes an
/// insert or a delete, as from the binlog (<see cref="RowFilterEvaluator.Through"/>).
/// </summary>
internal static class PostgresRowFilter
{
    private const int ImagesPerQuery = 500;

    public static async Task<List<BinlogChange>> FilterAsync(NpgsqlConnection source, IReadOnlyList<(BinlogChange Change, SourceImages? Images)> changes,
        IReadOnlyDictionary<(string, string), TaskTable> tables, CancellationToken cancellationToken)
    {
        var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var group in changes.Where(c => c.Change is BinlogRowChange && Filter(tables, c.Change) is not null).GroupBy(c => Table(tables, c.Change)!))
        {
            var images = group.SelectMany(c => new[] { c.Images?.Before, c.Images?.After }).OfType<string>().Distinct().ToList();
            for (var start = 0; start < images.Count; start += ImagesPerQuery)
            {
                var slice = images.Skip(start).Take(ImagesPerQuery).ToList();
                var results = await EvaluateAsync(source, group.Key, slice, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < slice.Count; i++) verdicts[$"{group.Key.Mapping.Source}|{slice[i]}"] = results[i];
            }
        }
        var kept = new List<BinlogChange>(changes.Count);
        foreach (var (change, images) in changes)
        {
            if (change is not BinlogRowChange row || Table(tables, change) is not { Mapping.RowFilter: not null } table)
            {
                kept.Add(change);
                continue;
            }
            bool Passes(string? image) => image is not null && verdicts[$"{table.Mapping.Source}|{image}"];
            if (RowFilterEvaluator.Through(row, row.Before is not null && Passes(images?.Before), row.After is not null && Passes(images?.After)) is { } passed)
                kept.Add(passed);
        }
        return kept;
    }

    private static TaskTable? Table(IReadOnlyDictionary<(string, string), TaskTable> tables, BinlogChange change) =>
        change is BinlogRowChange row ? tables.GetValueOrDefault((row.Database, row.Table)) : null;

    private static string? Filter(IReadOnlyDictionary<(string, string), TaskTable> tables, BinlogChange change) => Table(tables, change)?.Mapping.RowFilter;

    private static async Task<bool[]> EvaluateAsync(NpgsqlConnection source, TaskTable table, IReadOnlyList<string> images, CancellationToken cancellationToken)
    {
        // The images are named after the table, so the filter's column names (qualified or not) resolve to them.
        var name = PostgresSyntax.QuoteIdentifier(table.Mapping.SourceTable);
        var sql = $"SELECT x.__oms_ordinal, COALESCE(({table.Mapping.RowFilter}), false) " +
                  $"FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(__oms_image, __oms_ordinal), " +
                  $"LATERAL jsonb_populate_record(NULL::{PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable)}, x.__oms_image) AS {name}";
        // The filter is text a user wrote: one statement (the images go as a positional parameter), in a read-only transaction.
        await using var command = new NpgsqlCommand(sql, source);
        command.Parameters.AddWithValue("[" + string.Join(",", images) + "]");
        return await Connections.PostgresReadOnly.RunAsync(source, async transaction =>
        {
            command.Transaction = transaction;
            var result = new bool[images.Count];
            await using var reader = await Connections.SingleStatement.For(command).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                result[reader.GetInt64(0) - 1] = reader.GetBoolean(1);
            return result;
        }, cancellationToken).ConfigureAwait(false);
    }
}
