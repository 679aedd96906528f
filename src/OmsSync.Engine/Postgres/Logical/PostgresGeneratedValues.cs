using Npgsql;
using NpgsqlTypes;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// The values of stored generated columns, which pgoutput leaves out of its relation messages and rows (PostgreSQL 12
/// to 17). The target holds them as plain columns, so the values of each inserted or updated row are computed by the
/// source from the columns' generation expressions over the row's image (<see cref="PostgresImageEvaluator"/>), many rows
/// per query, and cast to the column's type as PostgreSQL stores them: the target gets exactly what the source holds.
/// </summary>
/// <remarks>
/// An update that leaves a TOASTed value unchanged does not send it. With REPLICA IDENTITY FULL the before-image holds it
/// (the reader takes it from there). Otherwise, when an expression uses such a column, the missing values are taken from
/// the row as the source holds it now, found by the replica identity's key: the target holds no PostgreSQL text of them
/// to evaluate with, and the value is the one the column still has unless a later change in the stream changed it; that
/// later change carries its own values and is computed in turn, so the target ends exact. A row no longer there (deleted
/// or moved later) leaves the generated column as the target has it, until the change that removed it arrives.
/// Rows wait here, in order with everything after them, until their values are in: at most a few hundred at a time.
/// </remarks>
internal sealed class PostgresGeneratedValues(PostgresImageEvaluator evaluator) : IAsyncDisposable
{
    private const int PendingChanges = 500;

    /// <param name="Uses">The table's columns the expression reads.</param>
    public sealed record Column(string Name, string Expression, IReadOnlyList<string> Uses);

    /// <summary>A table's stored generated columns, under its present name; <paramref name="Key"/> finds its current row (empty: nothing does).</summary>
    public sealed record Table(string Schema, string Name, IReadOnlyList<Column> Columns, IReadOnlyList<string> Key);

    private readonly List<(Table Table, IReadOnlyList<string?> Columns, object?[] Image)> _computing = [];
    private readonly List<Action> _adding = [];

    /// <summary>The stored generated columns of the table with this OID, or null when it has none.</summary>
    /// <param name="key">The columns of the table's replica identity, as the relation message flags them.</param>
    public async Task<Table?> DescribeAsync(uint relation, IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var source = evaluator.Connection;
        if (source.PostgreSqlVersion.Major < 12) return null; // no generated columns before 12
        const string sql = """
            SELECT n.nspname::text, c.relname::text, a.attname::text,
                   format('CAST((%s) AS %s)', pg_get_expr(d.adbin, d.adrelid), format_type(a.atttypid, a.atttypmod)),
                   ARRAY(SELECT DISTINCT r.attname::text FROM pg_depend p JOIN pg_attribute r ON r.attrelid = p.refobjid AND r.attnum = p.refobjsubid
                         WHERE (p.classid = 'pg_attrdef'::regclass AND p.objid = d.oid OR p.classid = 'pg_class'::regclass AND p.objid = a.attrelid AND p.objsubid = a.attnum)
                           AND p.refclassid = 'pg_class'::regclass AND p.refobjid = a.attrelid AND p.refobjsubid > 0 AND p.refobjsubid <> a.attnum)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = 's'
            JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.oid = $1
            ORDER BY a.attnum
            """;
        await using var command = new NpgsqlCommand(sql, source);
        command.Parameters.Add(new NpgsqlParameter { Value = relation, NpgsqlDbType = NpgsqlDbType.Oid });
        var columns = new List<Column>();
        string? schema = null, name = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (schema, name) = (reader.GetString(0), reader.GetString(1));
                columns.Add(new Column(reader.GetString(2), reader.GetString(3), reader.GetFieldValue<string[]>(4)));
            }
        return columns.Count == 0 ? null : new Table(schema!, name!, columns, key);
    }

    /// <summary>
    /// Computes the generated columns of <paramref name="image"/> (their places hold <see cref="ColumnNotLogged"/> until
    /// then, and keep it when the values cannot be had) before anything added after it with <see cref="Then"/> runs.
    /// </summary>
    public void Compute(Table table, IReadOnlyList<string?> columns, object?[] image) => _computing.Add((table, columns, image));

    /// <summary>Runs <paramref name="add"/> once every image before it has its values: at once when none waits.</summary>
    public void Then(Action add)
    {
        if (_computing.Count == 0) add();
        else _adding.Add(add);
    }

    /// <summary>True while images wait for their values (what is added meanwhile waits behind them).</summary>
    public bool Waiting => _computing.Count > 0;

    /// <summary>True when enough waits that it should be computed now.</summary>
    public bool Due => _adding.Count >= PendingChanges;

    /// <summary>Computes every waiting image's values, then runs what waited on them, in order.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var group in _computing.GroupBy(c => (c.Table, c.Columns)))
        {
            var (table, columns) = group.Key;
            var expressions = table.Columns.Select(c => c.Expression).ToList();
            var places = table.Columns.Select(c => Place(columns, c.Name)).ToList();
            // An image that lacks a value an expression reads takes it from the row the source holds now.
            var lacking = group.ToLookup(c => table.Columns.Any(g => g.Uses.Any(u => Place(columns, u) is var at && at >= 0 && c.Image[at] is ColumnNotLogged)));
            foreach (var part in lacking)
            {
                if (part.Key && table.Key.Count == 0) continue; // no key to find the row by: the generated columns stay as they are
                var images = part.Select(c => c.Image).ToList();
                var values = await evaluator.EvaluateAsync(table.Schema, table.Name, columns, images, expressions, part.Key ? table.Key : null, cancellationToken)
                    .ConfigureAwait(false);
                for (var i = 0; i < images.Count; i++)
                {
                    if (values[i] is not { } computed) continue;
                    for (var g = 0; g < places.Count; g++)
                        if (places[g] >= 0) images[i][places[g]] = computed[g];
                }
            }
        }
        _computing.Clear();
        foreach (var add in _adding) add();
        _adding.Clear();
    }

    private static int Place(IReadOnlyList<string?> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
            if (columns[i] == name) return i;
        return -1;
    }

    public ValueTask DisposeAsync() => evaluator.DisposeAsync();
}
