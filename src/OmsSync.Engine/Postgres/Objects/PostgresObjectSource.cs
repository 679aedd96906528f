using Npgsql;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Postgres.Objects;

/// <summary>
/// A PostgreSQL source's objects beyond tables: its sequences (those of identity and serial columns travel with their
/// tables as AUTO_INCREMENT), and its functions, procedures and triggers, which are only listed (PL/pgSQL runs on no
/// MySQL-family server); and where each table's identity or serial column stands.
/// </summary>
internal sealed class PostgresObjectSource : IObjectSource
{
    private readonly PostgresEndpoint _source;

    public PostgresObjectSource(PostgresEndpoint source) => _source = source;

    public async Task<IReadOnlyList<StoredObject>> ReadAsync(IReadOnlyCollection<string> databases, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<StoredObject>();
        foreach (var schema in databases)
        {
            const string sequences = """
                SELECT c.relname, s.seqstart, s.seqmin, s.seqmax, s.seqincrement, s.seqcache, s.seqcycle, pg_sequence_last_value(c.oid)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
                WHERE n.nspname = $1 AND c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0)
                ORDER BY c.relname
                """;
            await foreach (var r in QueryAsync(connection, sequences, schema, cancellationToken))
            {
                var (start, increment) = (r.GetInt64(1), r.GetInt64(4));
                found.Add(new SequenceDefinition(schema, r.GetString(0), start, r.GetInt64(2), r.GetInt64(3), increment, r.GetInt64(5), r.GetBoolean(6),
                    Next: r.IsDBNull(7) ? start : r.GetInt64(7) + increment));
            }
            const string routines = """
                SELECT p.proname, p.prokind::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                ORDER BY p.proname
                """;
            await foreach (var r in QueryAsync(connection, routines, schema, cancellationToken))
                found.Add(new ListedObject(r.GetString(1) == "p" ? StoredObjectKind.Procedure : StoredObjectKind.Function, schema, r.GetString(0)));
            const string triggers = """
                SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY c.relname, t.tgname
                """;
            await foreach (var r in QueryAsync(connection, triggers, schema, cancellationToken))
                found.Add(new ListedObject(StoredObjectKind.Trigger, schema, r.GetString(0), r.GetString(1)));
        }
        return found;
    }

    public async Task<IReadOnlyDictionary<string, long>> NextIdsAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
            foreach (var column in table.Schema.Columns.Where(c => c.AutoIncrement))
                if (await PostgresCounters.NextAsync(connection, PostgresSyntax.QuoteQualified(table.Mapping.SourceDatabase, table.Mapping.SourceTable), column.Name,
                        cancellationToken).ConfigureAwait(false) is { } next)
                    result[table.Mapping.Source] = next;
        return result;
    }

    /// <summary>PostgreSQL's triggers were not carried, so they keep acting on the source alone.</summary>
    public Task RetireAsync(IReadOnlyList<PlannedObject> moved, Action<string> done, CancellationToken cancellationToken) => Task.CompletedTask;

    private static async IAsyncEnumerable<NpgsqlDataReader> QueryAsync(NpgsqlConnection connection, string sql, string schema,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(schema);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return reader;
    }
}
