using System.Data.Common;
using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Reads databases, tables and views of a MySQL-family server (MySQL, MariaDB, OceanBase MySQL mode, TiDB)
/// from information_schema. Whole databases are read with one query per information_schema view, so a
/// database of a thousand tables costs a handful of round trips, not thousands.
/// </summary>
public sealed class MySqlSchemaReader : ISchemaSource
{
    /// <summary>
    /// Databases never migrated: the servers' own, and <c>oms</c>, where OmsSync keeps checkpoints and
    /// transaction markers on each side.
    /// </summary>
    public static readonly IReadOnlySet<string> SystemDatabases = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "information_schema", "mysql", "performance_schema", "sys", "metrics_schema", "oceanbase", "LBACSYS", "ORAAUDITOR", "oms",
    };

    private readonly MySqlConnection _connection;

    /// <param name="connection">An open connection; the reader does not close it.</param>
    public MySqlSchemaReader(MySqlConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>True for MariaDB, read from the server's version string.</summary>
    public bool IsMariaDb => _connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>How this server reports column defaults.</summary>
    public DefaultReporting DefaultReporting
    {
        get
        {
            if (!IsMariaDb) return DefaultReporting.RawValue;
            return Version.TryParse(ServerVersionNumber(), out var v) && v < new Version(10, 2, 7)
                ? DefaultReporting.RawValue
                : DefaultReporting.SqlExpression;
        }
    }

    private string ServerVersionNumber()
    {
        var text = _connection.ServerVersion;
        // MariaDB 10 reported through a MySQL 5.5 prefix: "5.5.5-10.11.6-MariaDB".
        if (text.StartsWith("5.5.5-", StringComparison.Ordinal)) text = text[6..];
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.')) end++;
        return text[..end];
    }

    public async Task<IReadOnlyList<DatabaseSchema>> ListDatabasesAsync(bool includeSystem = false, CancellationToken cancellationToken = default)
    {
        const string sql = "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME";
        var result = new List<DatabaseSchema>();
        await foreach (var row in QueryAsync(sql, null, cancellationToken))
        {
            var name = row.String(0)!;
            if (!includeSystem && SystemDatabases.Contains(name)) continue;
            result.Add(new DatabaseSchema(name, row.String(1), row.String(2)));
        }
        return result;
    }

    /// <summary>One database's defaults, or null when it does not exist.</summary>
    public async Task<DatabaseSchema?> ReadDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        const string sql = "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db";
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
            return new DatabaseSchema(row.String(0)!, row.String(1), row.String(2));
        return null;
    }

    /// <summary>The base tables and views of a database, by name; temporary tables and sequences are left out.</summary>
    public async Task<IReadOnlyList<SchemaObject>> ListObjectsAsync(string database, CancellationToken cancellationToken = default)
    {
        const string sql = "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME";
        var result = new List<SchemaObject>();
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var kind = row.String(1) switch
            {
                "BASE TABLE" or "SYSTEM VERSIONED" => SchemaObjectKind.Table,
                "VIEW" => SchemaObjectKind.View,
                _ => (SchemaObjectKind?)null,
            };
            if (kind is { } k) result.Add(new SchemaObject(database, row.String(0)!, k));
        }
        return result;
    }

    /// <summary>One table, or null when no base table of that name exists.</summary>
    public async Task<TableSchema?> ReadTableAsync(string database, string table, CancellationToken cancellationToken = default)
    {
        var tables = await ReadTablesAsync(database, [table], cancellationToken).ConfigureAwait(false);
        return tables.Count == 0 ? null : tables[0];
    }

    /// <summary>
    /// The base tables of a database (all of them, or those named in <paramref name="tables"/>, matched
    /// exactly), ordered by name. Columns, indexes, check constraints and table options are read with one
    /// query each for the whole database; SHOW CREATE TABLE runs only for partitioned tables.
    /// </summary>
    public async Task<IReadOnlyList<TableSchema>> ReadTablesAsync(string database, IEnumerable<string>? tables = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var wanted = tables is null ? null : new HashSet<string>(tables, StringComparer.Ordinal);
        bool Wanted(string name) => wanted is null || wanted.Contains(name);

        var options = new Dictionary<string, TableOptions>(StringComparer.Ordinal);
        const string tablesSql =
            "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, AUTO_INCREMENT, CREATE_OPTIONS, TABLE_TYPE " +
            "FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')";
        await foreach (var row in QueryAsync(tablesSql, database, cancellationToken))
        {
            var name = row.String(0)!;
            if (!Wanted(name)) continue;
            options[name] = new TableOptions(row.String(1), row.String(2), row.String(3), row.UInt64(4), row.String(5), row.String(6) == "SYSTEM VERSIONED");
        }
        if (options.Count == 0) return [];

        var columns = await ReadColumnsAsync(database, options, cancellationToken).ConfigureAwait(false);
        var indexes = await ReadIndexesAsync(database, options, cancellationToken).ConfigureAwait(false);
        var checks = await ReadChecksAsync(database, options, cancellationToken).ConfigureAwait(false);
        var foreignKeys = await ReadForeignKeysAsync(database, options, cancellationToken).ConfigureAwait(false);

        var result = new List<TableSchema>(options.Count);
        foreach (var (name, o) in options.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var createOptions = (o.CreateOptions ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var partitioned = createOptions.Any(x => x.Equals("partitioned", StringComparison.OrdinalIgnoreCase));
            var extra = string.Join(' ', createOptions.Where(x => !x.Equals("partitioned", StringComparison.OrdinalIgnoreCase)));
            var createTable = partitioned || o.Versioned ? await ShowCreateTableAsync(database, name, cancellationToken).ConfigureAwait(false) : null;
            if (partitioned)
            {
                var clause = PartitionClause(createTable!);
                if (clause is not null) extra = extra.Length == 0 ? clause : extra + " " + clause;
            }
            var tableColumns = (IReadOnlyList<ColumnSchema>?)columns.GetValueOrDefault(name) ?? [];
            var tableIndexes = (IReadOnlyList<IndexSchema>?)indexes.GetValueOrDefault(name) ?? [];
            SystemVersioning? versioning = null;
            if (o.Versioned)
                (versioning, tableColumns, tableIndexes) = Versioned(createTable!, tableColumns, tableIndexes);
            result.Add(new TableSchema
            {
                Database = database,
                Name = name,
                Versioning = versioning,
                Columns = tableColumns,
                Indexes = tableIndexes,
                Checks = checks.GetValueOrDefault(name) ?? [],
                ForeignKeys = foreignKeys.GetValueOrDefault(name) ?? [],
                Engine = o.Engine,
                Collation = o.Collation,
                Charset = CharsetOfCollation(o.Collation),
                Comment = string.IsNullOrEmpty(o.Comment) ? null : o.Comment,
                AutoIncrement = o.AutoIncrement,
                ExtraOptions = extra.Length == 0 ? null : extra,
            });
        }
        return result;
    }

    /// <summary>The views of a database (all, or those named), ordered so that a view comes after the views it uses.</summary>
    public async Task<IReadOnlyList<ViewSchema>> ReadViewsAsync(string database, IEnumerable<string>? views = null, CancellationToken cancellationToken = default)
    {
        var wanted = views is null ? null : new HashSet<string>(views, StringComparer.Ordinal);
        const string sql = "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME";
        var result = new List<ViewSchema>();
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var name = row.String(0)!;
            if (wanted is not null && !wanted.Contains(name)) continue;
            var check = row.String(2);
            result.Add(new ViewSchema
            {
                Database = database,
                Name = name,
                Definition = row.String(1) ?? "",
                CheckOption = string.IsNullOrEmpty(check) || check == "NONE" ? null : check,
                SecurityType = row.String(3),
            });
        }
        return ViewDefinitions.OrderByDependency(result);
    }

    /// <summary>SHOW CREATE TABLE's text.</summary>
    public async Task<string> ShowCreateTableAsync(string database, string table, CancellationToken cancellationToken = default)
    {
        await using var command = new MySqlCommand("SHOW CREATE TABLE " + MySqlSyntax.QuoteQualified(database, table), _connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new SchemaException($"SHOW CREATE TABLE returned nothing for {MySqlSyntax.QuoteQualified(database, table)}.");
        return reader.GetString(1);
    }

    /// <summary>The character set a collation belongs to: the part before the first underscore (charset names have none).</summary>
    public static string? CharsetOfCollation(string? collation)
    {
        if (string.IsNullOrEmpty(collation)) return null;
        var underscore = collation.IndexOf('_');
        return underscore < 0 ? collation : collation[..underscore];
    }

    /// <summary>
    /// The PARTITION BY ... clause at the end of SHOW CREATE TABLE's text (MySQL wraps it in a /*!50100 ... */
    /// comment, MariaDB does not), or null.
    /// </summary>
    public static string? PartitionClause(string createTable)
    {
        var tokens = MySqlTokenizer.Tokenize(createTable);
        var depth = 0;
        var pastColumns = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsSymbol("(")) depth++;
            else if (t.IsSymbol(")")) { depth--; if (depth == 0) pastColumns = true; }
            if (!pastColumns || depth != 0) continue;
            if (t.Kind == MySqlTokenKind.Comment && t.Text.StartsWith("/*!", StringComparison.Ordinal))
            {
                var inner = t.Text[3..^2];
                var digits = 0;
                while (digits < inner.Length && char.IsAsciiDigit(inner[digits])) digits++;
                inner = inner[digits..].Trim();
                if (inner.StartsWith("PARTITION BY", StringComparison.OrdinalIgnoreCase)) return inner;
            }
            if (t.IsWord("PARTITION"))
            {
                var next = MySqlTokenizer.NextSignificant(tokens, i + 1);
                if (next >= 0 && tokens[next].IsWord("BY"))
                    return createTable[t.Offset..].Trim();
            }
        }
        return null;
    }

    private sealed record TableOptions(string? Engine, string? Collation, string? Comment, ulong? AutoIncrement, string? CreateOptions, bool Versioned);

    /// <summary>
    /// A system-versioned table's columns and keys as its rows are: the period columns are listed (MariaDB hides implicit
    /// ones from information_schema) as ordinary columns, since every reader and writer of rows handles them as such, and
    /// an implicit period's row_end joins the primary and unique keys, as MariaDB adds it there itself.
    /// </summary>
    private static (SystemVersioning, IReadOnlyList<ColumnSchema>, IReadOnlyList<IndexSchema>) Versioned(string createTable,
        IReadOnlyList<ColumnSchema> columns, IReadOnlyList<IndexSchema> indexes)
    {
        var without = SystemVersioningText.ColumnsWithoutVersioning(createTable);
        var list = columns.Select(c => without.Contains(c.Name) ? Copy(c, withoutVersioning: true, c.Srid) : c).ToList();
        if (SystemVersioningText.Period(createTable) is { } period)
        {
            // Declared period columns show up as generated columns without an expression.
            for (var i = 0; i < list.Count; i++)
                if (string.Equals(list[i].Name, period.RowStart, StringComparison.OrdinalIgnoreCase) || string.Equals(list[i].Name, period.RowEnd, StringComparison.OrdinalIgnoreCase))
                    list[i] = SystemVersioningText.PeriodColumn(list[i].Name, list[i].Ordinal, list[i].Invisible, list[i].ColumnType, list[i].Comment);
            var precise = list.Any(c => string.Equals(c.Name, period.RowStart, StringComparison.OrdinalIgnoreCase) && c.DataType == "bigint");
            return (new SystemVersioning(period.RowStart, period.RowEnd, Implicit: false, precise), list, indexes);
        }
        list.AddRange(SystemVersioningText.ImplicitColumns(list.Count == 0 ? 0 : list.Max(c => c.Ordinal)));
        var keyed = indexes.Select(i => i.Kind is IndexKind.Primary or IndexKind.Unique
            ? new IndexSchema { Name = i.Name, Kind = i.Kind, Method = i.Method, Comment = i.Comment, Columns = [.. i.Columns, new IndexColumn(SystemVersioning.ImplicitRowEnd, null)] }
            : i).ToList();
        return (new SystemVersioning(SystemVersioning.ImplicitRowStart, SystemVersioning.ImplicitRowEnd, Implicit: true), list, keyed);
    }

    private static ColumnSchema Copy(ColumnSchema c, bool withoutVersioning, uint? srid) => new()
    {
        Name = c.Name, Ordinal = c.Ordinal, DataType = c.DataType, ColumnType = c.ColumnType, Nullable = c.Nullable, DefaultSql = c.DefaultSql,
        AutoIncrement = c.AutoIncrement, OnUpdateSql = c.OnUpdateSql, GenerationExpression = c.GenerationExpression, GeneratedStored = c.GeneratedStored,
        Charset = c.Charset, Collation = c.Collation, Comment = c.Comment, Invisible = c.Invisible, WithoutVersioning = withoutVersioning, Srid = srid,
    };

    private async Task<Dictionary<string, List<ColumnSchema>>> ReadColumnsAsync(string database, Dictionary<string, TableOptions> tables, CancellationToken cancellationToken)
    {
        const string sql =
            "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE, " +
            "CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION " +
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME, ORDINAL_POSITION";
        var reporting = DefaultReporting;
        var result = new Dictionary<string, List<ColumnSchema>>(StringComparer.Ordinal);
        var spatial = false;
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var table = row.String(0)!;
            if (!tables.ContainsKey(table)) continue;
            var extra = row.String(9) ?? "";
            var generated = extra.Contains("GENERATED", StringComparison.OrdinalIgnoreCase) && !extra.Contains("DEFAULT_GENERATED", StringComparison.OrdinalIgnoreCase);
            var generation = generated ? row.String(11) : null;
            var nullable = row.String(4) == "YES";
            var autoIncrement = extra.Contains("auto_increment", StringComparison.OrdinalIgnoreCase);
            var dataType = row.String(5)!.ToLowerInvariant();
            var column = new ColumnSchema
            {
                Name = row.String(1)!,
                Ordinal = (int)row.UInt64(2)!.Value,
                DataType = dataType,
                ColumnType = row.String(6)!,
                Nullable = nullable,
                DefaultSql = ColumnDefaults.Normalize(row.String(3), extra, dataType, nullable, generated, autoIncrement, reporting),
                AutoIncrement = autoIncrement,
                OnUpdateSql = OnUpdate(extra),
                GenerationExpression = generated ? generation ?? "" : null,
                GeneratedStored = generated && (extra.Contains("STORED", StringComparison.OrdinalIgnoreCase) || extra.Contains("PERSISTENT", StringComparison.OrdinalIgnoreCase)),
                Charset = row.String(7),
                Collation = row.String(8),
                Comment = string.IsNullOrEmpty(row.String(10)) ? null : row.String(10),
                Invisible = IsInvisible(extra),
            };
            spatial |= MySqlColumnTransfer.IsSpatial(dataType);
            if (!result.TryGetValue(table, out var list)) result[table] = list = [];
            list.Add(column);
        }
        if (!spatial) return result;
        var srids = await ReadSridsAsync(database, cancellationToken).ConfigureAwait(false);
        return srids.Count == 0 ? result : result.ToDictionary(p => p.Key, p => p.Value
            .Select(c => srids.TryGetValue((p.Key, c.Name), out var srid) ? Copy(c, c.WithoutVersioning, srid) : c).ToList(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The SRIDs spatial columns declare, by (table, column): MariaDB keeps REF_SYSTEM_ID in GEOMETRY_COLUMNS (0 when none
    /// is declared), MySQL 8 its SRID attribute in COLUMNS.SRS_ID. Servers with neither declare none.
    /// </summary>
    private async Task<Dictionary<(string Table, string Column), uint>> ReadSridsAsync(string database, CancellationToken cancellationToken)
    {
        var sql = IsMariaDb
            ? "SELECT G_TABLE_NAME, G_GEOMETRY_COLUMN, SRID FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = @db AND SRID <> 0"
            : "SELECT TABLE_NAME, COLUMN_NAME, SRS_ID FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db AND SRS_ID IS NOT NULL";
        var srids = new Dictionary<(string, string), uint>();
        try
        {
            await foreach (var row in QueryAsync(sql, database, cancellationToken))
                srids[(row.String(0)!, row.String(1)!)] = (uint)row.UInt64(2)!.Value;
        }
        catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownTable or MySqlErrorCode.BadFieldError)
        {
            // This server keeps no declared SRIDs.
        }
        return srids;
    }

    /// <summary>INVISIBLE in EXTRA (MariaDB: "INVISIBLE", beside "STORED GENERATED" for a declared period column; MySQL 8: "INVISIBLE").</summary>
    private static bool IsInvisible(string extra) =>
        extra.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Any(w => w.Equals("INVISIBLE", StringComparison.OrdinalIgnoreCase));

    /// <summary>"on update current_timestamp(6)" in EXTRA (MySQL adds DEFAULT_GENERATED before it).</summary>
    private static string? OnUpdate(string extra)
    {
        const string marker = "on update ";
        var at = extra.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        var rest = extra[(at + marker.Length)..].Trim();
        var end = rest.IndexOf(' ');
        return end < 0 ? rest : rest[..end];
    }

    private async Task<Dictionary<string, List<IndexSchema>>> ReadIndexesAsync(string database, Dictionary<string, TableOptions> tables, CancellationToken cancellationToken)
    {
        // No ORDER BY on the index: the server lists a table's indexes in its own key order, which
        // SHOW CREATE TABLE follows too; keeping it keeps the written DDL in the same order.
        const string sql =
            "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE, INDEX_COMMENT, COLLATION " +
            "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @db";
        var parts = new Dictionary<string, Dictionary<string, IndexBuilder>>(StringComparer.Ordinal);
        var order = new Dictionary<string, List<IndexBuilder>>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var table = row.String(0)!;
            if (!tables.ContainsKey(table)) continue;
            var name = row.String(1)!;
            if (!parts.TryGetValue(table, out var byName))
            {
                parts[table] = byName = new Dictionary<string, IndexBuilder>(StringComparer.Ordinal);
                order[table] = [];
            }
            if (!byName.TryGetValue(name, out var builder))
            {
                var type = row.String(6) ?? "BTREE";
                var kind = name == "PRIMARY" ? IndexKind.Primary
                    : type.Equals("FULLTEXT", StringComparison.OrdinalIgnoreCase) ? IndexKind.FullText
                    : type.Equals("SPATIAL", StringComparison.OrdinalIgnoreCase) ? IndexKind.Spatial
                    : row.UInt64(2) == 0 ? IndexKind.Unique : IndexKind.Secondary;
                var comment = row.String(7);
                builder = new IndexBuilder(name, kind, kind is IndexKind.FullText or IndexKind.Spatial ? null : type.ToUpperInvariant(),
                    string.IsNullOrEmpty(comment) ? null : comment);
                byName[name] = builder;
                order[table].Add(builder);
            }
            var column = row.String(4) ?? throw new SchemaException(
                $"Table {MySqlSyntax.QuoteQualified(database, table)}: index {MySqlSyntax.QuoteIdentifier(name)} is on an expression (a functional index); " +
                "functional indexes are not migrated. Drop the index or exclude the table.");
            // A SPATIAL index reports a SUB_PART that cannot be written back.
            var prefix = builder.Kind == IndexKind.Spatial ? null : (int?)row.UInt64(5);
            builder.Columns.Add(((int)row.UInt64(3)!.Value, new IndexColumn(column, prefix, row.String(8) == "D")));
        }
        return order.ToDictionary(p => p.Key, p => p.Value.Select(b => b.Build()).ToList(), StringComparer.Ordinal);
    }

    private sealed record IndexBuilder(string Name, IndexKind Kind, string? Method, string? Comment)
    {
        public List<(int Seq, IndexColumn Column)> Columns { get; } = [];

        public IndexSchema Build() => new()
        {
            Name = Name,
            Kind = Kind,
            Method = Method,
            Comment = Comment,
            Columns = Columns.OrderBy(c => c.Seq).Select(c => c.Column).ToList(),
        };
    }

    private async Task<Dictionary<string, List<CheckConstraint>>> ReadChecksAsync(string database, Dictionary<string, TableOptions> tables, CancellationToken cancellationToken)
    {
        // MariaDB names the table and the level (a column-level check is named after its column);
        // MySQL 8.0.16+ needs TABLE_CONSTRAINTS for the table. Servers without the view have no checks.
        var sql = IsMariaDb
            ? "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = @db"
            : "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, NULL FROM information_schema.CHECK_CONSTRAINTS cc " +
              "JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA " +
              "AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' WHERE cc.CONSTRAINT_SCHEMA = @db";
        var result = new Dictionary<string, List<CheckConstraint>>(StringComparer.Ordinal);
        try
        {
            await foreach (var row in QueryAsync(sql, database, cancellationToken))
            {
                var table = row.String(0)!;
                if (!tables.ContainsKey(table)) continue;
                var name = row.String(1)!;
                var column = row.String(3) == "Column" ? name : null;
                if (!result.TryGetValue(table, out var list)) result[table] = list = [];
                list.Add(new CheckConstraint(name, row.String(2) ?? "", column));
            }
        }
        catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownTable or MySqlErrorCode.BadFieldError)
        {
            // information_schema.CHECK_CONSTRAINTS does not exist on this server.
        }
        return result;
    }

    private async Task<Dictionary<string, List<ForeignKeySchema>>> ReadForeignKeysAsync(string database, Dictionary<string, TableOptions> tables,
        CancellationToken cancellationToken)
    {
        const string sql =
            "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, " +
            "r.DELETE_RULE, r.UPDATE_RULE FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r " +
            "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME " +
            "WHERE k.TABLE_SCHEMA = @db AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
        var columns = new Dictionary<(string Table, string Name), (List<string> Columns, List<string> Referenced, string Database, string Table, string OnDelete, string OnUpdate)>();
        await foreach (var row in QueryAsync(sql, database, cancellationToken))
        {
            var table = row.String(0)!;
            if (!tables.ContainsKey(table)) continue;
            var key = (table, row.String(1)!);
            if (!columns.TryGetValue(key, out var fk))
                columns[key] = fk = ([], [], row.String(3)!, row.String(4)!, row.String(6)!, row.String(7)!);
            fk.Columns.Add(row.String(2)!);
            fk.Referenced.Add(row.String(5)!);
        }
        var result = new Dictionary<string, List<ForeignKeySchema>>(StringComparer.Ordinal);
        foreach (var ((table, name), fk) in columns)
        {
            if (!result.TryGetValue(table, out var list)) result[table] = list = [];
            list.Add(new ForeignKeySchema(name, fk.Columns, fk.Database, fk.Table, fk.Referenced, ForeignKeySchema.Parse(fk.OnDelete), ForeignKeySchema.Parse(fk.OnUpdate)));
        }
        return result;
    }

    private async IAsyncEnumerable<Row> QueryAsync(string sql, string? database, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, _connection);
        if (database is not null) command.Parameters.AddWithValue("@db", database);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return new Row(reader);
    }

    /// <summary>Typed access to the current row; information_schema columns come back as strings or bytes depending on the server.</summary>
    private readonly struct Row(DbDataReader reader)
    {
        public string? String(int i)
        {
            if (reader.IsDBNull(i)) return null;
            var value = reader.GetValue(i);
            return value as string ?? (value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        public ulong? UInt64(int i) => reader.IsDBNull(i) ? null : Convert.ToUInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    }
}
