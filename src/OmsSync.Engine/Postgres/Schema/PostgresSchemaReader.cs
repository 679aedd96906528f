using Npgsql;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.Postgres.Schema;

/// <summary>
/// Reads the schemas and tables of the PostgreSQL database a connection is on, from the system catalogs, a few
/// queries per schema. The schemas play the part of MySQL databases. Columns are described PostgreSQL's way:
/// <see cref="ColumnSchema.DataType"/> is the type without modifiers as format_type writes it ("character varying",
/// "timestamp with time zone"), "enum" for enum types and "array" for arrays; <see cref="ColumnSchema.ColumnType"/>
/// is the full type with modifiers ("numeric(10,2)"), and for an enum its labels as enum('a','b'). A domain is described as
/// its base type (a domain over varchar(20) is "character varying(20)"), NOT NULL when the domain is, with the domain's
/// default when the column has none; its CHECK constraints are the table's <see cref="TableSchema.Checks"/> on the
/// column, as PostgreSQL prints them ("CHECK ((VALUE > 0))"). An array is "array" with its element type resolved the same
/// way and "[]" ("integer[]", "character varying(20)[]", whatever its dimensions); hstore is "hstore".
/// Views are not listed: their SQL does not carry over between MySQL and PostgreSQL.
/// </summary>
public sealed class PostgresSchemaReader : ISchemaSource
{
    /// <summary>Schemas never migrated: the server's own, and <c>oms</c>, where OmsSync keeps its checkpoints.</summary>
    public static bool IsSystemSchema(string name) =>
        name is "pg_catalog" or "information_schema" or "pg_toast" or "oms" || name.StartsWith("pg_temp_", StringComparison.Ordinal)
        || name.StartsWith("pg_toast_temp_", StringComparison.Ordinal);

    private readonly NpgsqlConnection _connection;

    /// <param name="connection">An open connection; the reader does not close it.</param>
    public PostgresSchemaReader(NpgsqlConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    public async Task<IReadOnlyList<DatabaseSchema>> ListDatabasesAsync(bool includeSystem = false, CancellationToken cancellationToken = default)
    {
        var result = new List<DatabaseSchema>();
        await foreach (var row in QueryAsync("SELECT nspname FROM pg_namespace ORDER BY nspname", null, cancellationToken))
        {
            var name = row.GetString(0);
            if (includeSystem || !IsSystemSchema(name)) result.Add(new DatabaseSchema(name, null, null));
        }
        return result;
    }

    public async Task<IReadOnlyList<SchemaObject>> ListObjectsAsync(string database, CancellationToken cancellationToken = default)
    {
        const string sql = """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname
            """;
        var result = new List<SchemaObject>();
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
            result.Add(new SchemaObject(database, row.GetString(0), SchemaObjectKind.Table));
        return result;
    }

    public Task<IReadOnlyList<ViewSchema>> ReadViewsAsync(string database, IEnumerable<string>? views = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ViewSchema>>([]);

    public async Task<IReadOnlyList<TableSchema>> ReadTablesAsync(string database, IEnumerable<string>? tables = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var wanted = tables is null ? null : new HashSet<string>(tables, StringComparer.Ordinal);
        const string tablesSql = """
            SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            """;
        var comments = new Dictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(tablesSql, database, cancellationToken))
        {
            var name = row.GetString(0);
            if (wanted is null || wanted.Contains(name)) comments[name] = row.IsDBNull(1) ? null : row.GetString(1);
        }
        if (comments.Count == 0) return [];
        var columns = await ReadColumnsAsync(database, comments, cancellationToken).ConfigureAwait(false);
        var indexes = await ReadIndexesAsync(database, comments, cancellationToken).ConfigureAwait(false);
        var foreignKeys = await ReadForeignKeysAsync(database, comments, cancellationToken).ConfigureAwait(false);
        return comments.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new TableSchema
        {
            Database = database,
            Name = p.Key,
            Columns = columns.GetValueOrDefault(p.Key).Columns ?? [],
            Checks = columns.GetValueOrDefault(p.Key).Checks ?? [],
            Indexes = indexes.GetValueOrDefault(p.Key) ?? [],
            ForeignKeys = foreignKeys.GetValueOrDefault(p.Key) ?? [],
            Comment = p.Value,
        }).ToList();
    }

    private async Task<Dictionary<string, (List<ColumnSchema> Columns, List<CheckConstraint> Checks)>> ReadColumnsAsync(string database,
        Dictionary<string, string?> tables, CancellationToken cancellationToken)
    {
        // attgenerated arrived in PostgreSQL 12.
        var generated = _connection.PostgreSqlVersion.Major >= 12 ? "a.attgenerated = 's'" : "false";
        // A domain is described as its base type (through domains over domains), with the typmod the innermost one
        // gives it; its NOT NULL, its default and its CHECK constraints belong to the column. An array's element type is
        // resolved the same way (an array of a domain holds the domain's base values).
        var sql = $"""
            WITH RECURSIVE chain(start, domain, base, typmod, depth) AS (
                SELECT t.oid, t.oid, t.typbasetype, t.typtypmod, 0 FROM pg_type t WHERE t.typtype = 'd'
                UNION ALL
                SELECT c.start, t.oid, t.typbasetype, t.typtypmod, c.depth + 1 FROM chain c JOIN pg_type t ON t.oid = c.base WHERE t.typtype = 'd'
            ), domains AS (
                SELECT c.start, (array_agg(c.base ORDER BY c.depth DESC))[1] AS base, (array_agg(c.typmod ORDER BY c.depth DESC))[1] AS typmod,
                       bool_or(t.typnotnull) AS notnull,
                       (array_agg(pg_get_expr(t.typdefaultbin, 0) ORDER BY c.depth) FILTER (WHERE t.typdefaultbin IS NOT NULL))[1] AS dflt,
                       ARRAY(SELECT k.conname::text FROM chain x JOIN pg_constraint k ON k.contypid = x.domain AND k.contype = 'c'
                             WHERE x.start = c.start ORDER BY x.depth DESC, k.conname) AS check_names,
                       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM chain x JOIN pg_constraint k ON k.contypid = x.domain AND k.contype = 'c'
                             WHERE x.start = c.start ORDER BY x.depth DESC, k.conname) AS check_defs
                FROM chain c JOIN pg_type t ON t.oid = c.domain GROUP BY c.start
            )
            SELECT c.relname, a.attname, a.attnum, format_type(b.oid, b.mod), format_type(b.oid, NULL), bt.typtype, bt.typname::text,
                   NOT a.attnotnull AND NOT COALESCE(d.notnull, false), COALESCE(pg_get_expr(ad.adbin, ad.adrelid), CASE WHEN {generated} THEN NULL ELSE d.dflt END),
                   a.attidentity <> '' OR COALESCE(pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%', false),
                   {generated}, col_description(c.oid, a.attnum),
                   CASE WHEN bt.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = bt.oid ORDER BY e.enumsortorder) END,
                   -- a true array (int2vector and oidvector are not: their text has no braces)
                   CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 AND bt.typstorage <> 'p' THEN format_type(e.oid, e.mod) END,
                   COALESCE(d.check_names, ARRAY[]::text[]) || COALESCE(de.check_names, ARRAY[]::text[]),
                   COALESCE(d.check_defs, ARRAY[]::text[]) || COALESCE(de.check_defs, ARRAY[]::text[])
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN domains d ON d.start = a.atttypid
            CROSS JOIN LATERAL (SELECT COALESCE(d.base, a.atttypid) AS oid, CASE WHEN d.start IS NULL THEN a.atttypmod ELSE d.typmod END AS mod) b
            JOIN pg_type bt ON bt.oid = b.oid
            LEFT JOIN domains de ON de.start = bt.typelem
            CROSS JOIN LATERAL (SELECT COALESCE(de.base, bt.typelem) AS oid, CASE WHEN de.start IS NULL THEN b.mod ELSE de.typmod END AS mod) e
            LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
            ORDER BY c.relname, a.attnum
            """;
        var result = new Dictionary<string, (List<ColumnSchema>, List<CheckConstraint>)>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var table = row.GetString(0);
            if (!tables.ContainsKey(table)) continue;
            var isEnum = row.GetChar(5) == 'e';
            var element = row.IsDBNull(13) ? null : row.GetString(13);
            var isGenerated = row.GetBoolean(10);
            var autoIncrement = row.GetBoolean(9) && !isGenerated;
            var expression = row.IsDBNull(8) ? null : row.GetString(8);
            var column = new ColumnSchema
            {
                Name = row.GetString(1),
                Ordinal = row.GetInt16(2),
                DataType = isEnum ? "enum" : element is not null ? "array" : row.GetString(6) == "hstore" && row.GetChar(5) == 'b' ? "hstore" : row.GetString(4),
                ColumnType = isEnum ? EnumType(row.GetFieldValue<string[]>(12)) : element is not null ? element + "[]" : row.GetString(3),
                Nullable = row.GetBoolean(7),
                DefaultSql = autoIncrement || isGenerated ? null : expression,
                AutoIncrement = autoIncrement,
                GenerationExpression = isGenerated ? expression ?? "" : null,
                GeneratedStored = isGenerated,
                Comment = row.IsDBNull(11) ? null : row.GetString(11),
            };
            if (!result.TryGetValue(table, out var found)) result[table] = found = ([], []);
            found.Item1.Add(column);
            var (names, definitions) = (row.GetFieldValue<string[]>(14), row.GetFieldValue<string[]>(15));
            for (var i = 0; i < names.Length; i++)
                found.Item2.Add(new CheckConstraint(names[i], definitions[i], column.Name));
        }
        return result;
    }

    /// <summary>enum('a','b''c'), the form MySQL writes and both sides of OmsSync read.</summary>
    public static string EnumType(IEnumerable<string> labels) =>
        "enum(" + string.Join(",", labels.Select(l => "'" + l.Replace("'", "''") + "'")) + ")";

    private async Task<Dictionary<string, List<IndexSchema>>> ReadIndexesAsync(string database, Dictionary<string, string?> tables, CancellationToken cancellationToken)
    {
        // B-tree indexes on plain columns only: expression and partial indexes have no MySQL counterpart.
        const string sql = """
            SELECT c.relname, i.relname, x.indisprimary, x.indisunique,
                   ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum WHERE k.ord <= x.indnkeyatts ORDER BY k.ord),
                   ARRAY(SELECT pg_index_column_has_property(x.indexrelid, k.ord::int, 'desc') FROM generate_series(1, x.indnkeyatts) k(ord) ORDER BY k.ord),
                   obj_description(i.oid, 'pg_class')
            FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
            WHERE n.nspname = $1 AND am.amname = 'btree' AND x.indexprs IS NULL AND x.indpred IS NULL
            ORDER BY c.relname, x.indisprimary DESC, i.relname
            """;
        var result = new Dictionary<string, List<IndexSchema>>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var table = row.GetString(0);
            if (!tables.ContainsKey(table)) continue;
            var names = row.GetFieldValue<string[]>(4);
            var descending = row.GetFieldValue<bool[]>(5);
            var index = new IndexSchema
            {
                Name = row.GetString(1),
                Kind = row.GetBoolean(2) ? IndexKind.Primary : row.GetBoolean(3) ? IndexKind.Unique : IndexKind.Secondary,
                Columns = names.Select((n, i) => new IndexColumn(n, null, i < descending.Length && descending[i])).ToList(),
                Comment = row.IsDBNull(6) ? null : row.GetString(6),
            };
            if (!result.TryGetValue(table, out var list)) result[table] = list = [];
            list.Add(index);
        }
        return result;
    }

    private async Task<Dictionary<string, List<ForeignKeySchema>>> ReadForeignKeysAsync(string database, Dictionary<string, string?> tables,
        CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.relname, k.conname, rn.nspname, r.relname,
                   ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord),
                   ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(attnum, ord) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.ord),
                   k.confdeltype, k.confupdtype
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
            WHERE k.contype = 'f' AND n.nspname = $1 AND NOT c.relispartition
            ORDER BY c.relname, k.conname
            """;
        static ForeignKeyAction Action(char code) => code switch
        {
            'c' => ForeignKeyAction.Cascade,
            'n' => ForeignKeyAction.SetNull,
            'd' => ForeignKeyAction.SetDefault,
            'r' => ForeignKeyAction.Restrict,
            _ => ForeignKeyAction.NoAction,
        };
        var result = new Dictionary<string, List<ForeignKeySchema>>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var table = row.GetString(0);
            if (!tables.ContainsKey(table)) continue;
            if (!result.TryGetValue(table, out var list)) result[table] = list = [];
            list.Add(new ForeignKeySchema(row.GetString(1), row.GetFieldValue<string[]>(4), row.GetString(2), row.GetString(3), row.GetFieldValue<string[]>(5),
                Action(row.GetChar(6)), Action(row.GetChar(7))));
        }
        return result;
    }

    private async IAsyncEnumerable<NpgsqlDataReader> QueryAsync(string sql, string? schema,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        if (schema is not null) command.Parameters.AddWithValue(schema);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return reader;
    }
}
