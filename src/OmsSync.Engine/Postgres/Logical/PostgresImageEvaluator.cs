using System.Text;
using System.Text.Json;
using Npgsql;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// Evaluates SQL expressions over row images on the PostgreSQL source, many images per query. Each image (column name
/// to the value's text, as pgoutput sends it) is typed by the table's row type with json_populate_record and named
/// after the table, so an expression's column names (qualified or not) resolve to its values and every function and
/// comparison means what it means on the source. Row filters and generated columns' expressions are evaluated this way.
/// </summary>
internal sealed class PostgresImageEvaluator(NpgsqlConnection source) : IAsyncDisposable
{
    private const int ImagesPerQuery = 500;

    // Per table: its json and jsonb columns, whose text goes into an image as the JSON it is (json_populate_record
    // would otherwise take the value for a JSON string, not the document it spells).
    private readonly Dictionary<(string, string), HashSet<string>> _documents = [];

    public NpgsqlConnection Connection => source;

    /// <summary>
    /// The expressions' values (their text) for each image, in order. With <paramref name="currentRowKey"/>, a column an
    /// image does not carry is taken from the table's current row with the image's values in those key columns; an image
    /// whose row is no longer there gets null instead of values. Without it, such a column is NULL.
    /// </summary>
    public async Task<string?[]?[]> EvaluateAsync(string schema, string table, IReadOnlyList<string?> columns, IReadOnlyList<IReadOnlyList<object?>> images,
        IReadOnlyList<string> expressions, IReadOnlyList<string>? currentRowKey, CancellationToken cancellationToken)
    {
        var documents = await DocumentColumnsAsync(schema, table, cancellationToken).ConfigureAwait(false);
        var result = new string?[]?[images.Count];
        var sql = Sql(schema, table, expressions, currentRowKey);
        for (var start = 0; start < images.Count; start += ImagesPerQuery)
        {
            var count = Math.Min(ImagesPerQuery, images.Count - start);
            var json = new StringBuilder("[");
            for (var i = 0; i < count; i++)
                json.Append(i > 0 ? "," : "").Append(Json(columns, images[start + i], documents));
            json.Append(']');
            // The expressions may be text a user wrote (a row filter): one statement, the images as a positional parameter, in a read-only transaction.
            await using var command = new NpgsqlCommand(sql, source);
            command.Parameters.AddWithValue(json.ToString());
            await PostgresReadOnly.RunAsync(source, async transaction =>
            {
                command.Transaction = transaction;
                await using var reader = await Connections.SingleStatement.For(command).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!reader.GetBoolean(1)) continue;
                    var values = new string?[expressions.Count];
                    for (var e = 0; e < values.Length; e++) values[e] = reader.IsDBNull(e + 2) ? null : reader.GetString(e + 2);
                    result[start + reader.GetInt64(0) - 1] = values;
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    private static string Sql(string schema, string table, IReadOnlyList<string> expressions, IReadOnlyList<string>? currentRowKey)
    {
        var type = PostgresSyntax.QuoteQualified(schema, table);
        var values = string.Join(", ", expressions.Select(e => $"(({e}))::text"));
        // The images are named after the table; the other names in the query are OmsSync's own, so the expressions' names resolve to the image.
        const string images = "json_array_elements($1::json) WITH ORDINALITY AS __oms_images(__oms_image, __oms_ordinal)";
        if (currentRowKey is null)
            return $"SELECT __oms_images.__oms_ordinal, true, {values} FROM {images}, " +
                   $"LATERAL json_populate_record(NULL::{type}, __oms_images.__oms_image) AS {PostgresSyntax.QuoteIdentifier(table)}";
        var match = string.Join(" AND ", currentRowKey.Select(k =>
            $"__oms_current.{PostgresSyntax.QuoteIdentifier(k)} = (json_populate_record(NULL::{type}, __oms_images.__oms_image)).{PostgresSyntax.QuoteIdentifier(k)}"));
        return $"SELECT __oms_images.__oms_ordinal, COALESCE(__oms_found.__oms_there, false), {values} FROM {images} " +
               $"LEFT JOIN LATERAL (SELECT __oms_current AS __oms_row, true AS __oms_there FROM {type} AS __oms_current WHERE {match}) AS __oms_found ON true, " +
               $"LATERAL json_populate_record(__oms_found.__oms_row, __oms_images.__oms_image) AS {PostgresSyntax.QuoteIdentifier(table)}";
    }

    /// <summary>An image as a JSON object of column to PostgreSQL text (json and jsonb as their document); a value that was not sent is left out.</summary>
    private static string Json(IReadOnlyList<string?> columns, IReadOnlyList<object?> image, HashSet<string> documents)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < image.Count && i < columns.Count; i++)
            {
                if (image[i] is ColumnNotLogged || columns[i] is not { } name) continue;
                json.WritePropertyName(name);
                if (image[i] is not string text) json.WriteNullValue();
                else if (documents.Contains(name)) json.WriteRawValue(text, skipInputValidation: true);
                else json.WriteStringValue(text);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task<HashSet<string>> DocumentColumnsAsync(string schema, string table, CancellationToken cancellationToken)
    {
        if (_documents.TryGetValue((schema, table), out var known)) return known;
        await using var command = new NpgsqlCommand(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND atttypid IN ('json'::regtype, 'jsonb'::regtype)", source);
        command.Parameters.AddWithValue(PostgresSyntax.QuoteQualified(schema, table));
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                names.Add(reader.GetString(0));
        return _documents[(schema, table)] = names;
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();
}
