namespace OmsSync.Engine.Model;

/// <summary>A table's definition as read from a source, independent of any SQL dialect's text.</summary>
public sealed class TableSchema
{
    public required string Database { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<ColumnSchema> Columns { get; init; }
    public required IReadOnlyList<IndexSchema> Indexes { get; init; }
    public string? Engine { get; init; }
    public string? Charset { get; init; }
    public string? Collation { get; init; }
    public string? Comment { get; init; }
    public ulong? AutoIncrement { get; init; }
    /// <summary>Everything after the column list that is neither engine, charset, collation, comment nor auto_increment (e.g. ROW_FORMAT, partitioning clause).</summary>
    public string? ExtraOptions { get; init; }
    /// <summary>CHECK constraints; a column-level one (MariaDB's implicit json_valid for JSON columns, for instance) names its column.</summary>
    public IReadOnlyList<CheckConstraint> Checks { get; init; } = [];
    /// <summary>The foreign keys this table's rows hold (references to other tables' keys, or to its own).</summary>
    public IReadOnlyList<ForeignKeySchema> ForeignKeys { get; init; } = [];
    /// <summary>MariaDB's system versioning (WITH SYSTEM VERSIONING), or null for an ordinary table.</summary>
    public SystemVersioning? Versioning { get; init; }

    public IndexSchema? PrimaryKey => Indexes.FirstOrDefault(i => i.Kind == IndexKind.Primary);

    /// <summary>The key used to chunk and match rows: the primary key, else the first unique key whose columns are all NOT NULL.</summary>
    public IndexSchema? RowKey =>
        PrimaryKey ?? Indexes.FirstOrDefault(i => i.Kind == IndexKind.Unique && i.Columns.All(c => !Column(c.Name).Nullable));

    public ColumnSchema Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"Column '{name}' does not exist in table '{Database}.{Name}'.");

    public string QualifiedName => $"{Database}.{Name}";
}

public sealed class ColumnSchema
{
    public required string Name { get; init; }
    public required int Ordinal { get; init; }
    /// <summary>Lower-case base type as information_schema.DATA_TYPE gives it: int, varchar, decimal, ...</summary>
    public required string DataType { get; init; }
    /// <summary>Full type as information_schema.COLUMN_TYPE gives it: int(10) unsigned, enum('a','b'), decimal(65,30), ...</summary>
    public required string ColumnType { get; init; }
    public bool Nullable { get; init; }
    /// <summary>The default as an SQL expression ready to put after DEFAULT (quoted literal or expression), or null for none.</summary>
    public string? DefaultSql { get; init; }
    public bool AutoIncrement { get; init; }
    /// <summary>ON UPDATE clause expression, e.g. current_timestamp(6), or null.</summary>
    public string? OnUpdateSql { get; init; }
    /// <summary>Generated column expression and whether it is stored; null for ordinary columns.</summary>
    public string? GenerationExpression { get; init; }
    public bool GeneratedStored { get; init; }
    /// <summary>
    /// For a generated column moved between a MySQL-family server and PostgreSQL: its expression in the target's SQL when
    /// the target computes it as a stored generated column (Mapping.GeneratedColumns); null otherwise.
    /// </summary>
    public string? TargetGeneration { get; init; }
    public string? Charset { get; init; }
    public string? Collation { get; init; }
    public string? Comment { get; init; }
    /// <summary>INVISIBLE: left out of SELECT * and of INSERT without a column list; its values move like any other column's.</summary>
    public bool Invisible { get; init; }
    /// <summary>A column of a system-versioned table declared WITHOUT SYSTEM VERSIONING: changing only it makes no history row.</summary>
    public bool WithoutVersioning { get; init; }
    /// <summary>The SRID a spatial column declares (MariaDB's REF_SYSTEM_ID, MySQL's SRID attribute); null when it declares none.</summary>
    public uint? Srid { get; init; }
    public bool Unsigned => ColumnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);
    public bool IsGenerated => GenerationExpression is not null;
}

public enum IndexKind { Primary, Unique, Secondary, FullText, Spatial }

public sealed class IndexSchema
{
    public required string Name { get; init; }
    public required IndexKind Kind { get; init; }
    public required IReadOnlyList<IndexColumn> Columns { get; init; }
    public string? Comment { get; init; }
    /// <summary>BTREE, HASH, ... when stated by the source.</summary>
    public string? Method { get; init; }
}

/// <summary>A CHECK constraint: its name, its condition as the source prints it, and the column for a column-level constraint.</summary>
public sealed record CheckConstraint(string Name, string Expression, string? Column = null);

public sealed record IndexColumn(string Name, int? PrefixLength, bool Descending = false);

/// <summary>What a foreign key does to the rows that reference a row when that row's key is deleted or changed.</summary>
public enum ForeignKeyAction { NoAction, Restrict, Cascade, SetNull, SetDefault }

/// <summary>A foreign key: its columns, the table and columns they reference (in order), and its actions.</summary>
public sealed record ForeignKeySchema(string Name, IReadOnlyList<string> Columns, string ReferencedDatabase, string ReferencedTable,
    IReadOnlyList<string> ReferencedColumns, ForeignKeyAction OnDelete, ForeignKeyAction OnUpdate)
{
    public string ReferencedQualifiedName => $"{ReferencedDatabase}.{ReferencedTable}";

    /// <summary>The action as SQL spells it (CASCADE, SET NULL, NO ACTION, ...), and back.</summary>
    public static string Sql(ForeignKeyAction action) => action switch
    {
        ForeignKeyAction.Cascade => "CASCADE",
        ForeignKeyAction.SetNull => "SET NULL",
        ForeignKeyAction.SetDefault => "SET DEFAULT",
        ForeignKeyAction.Restrict => "RESTRICT",
        _ => "NO ACTION",
    };

    public static ForeignKeyAction Parse(string? rule) => rule?.ToUpperInvariant() switch
    {
        "CASCADE" => ForeignKeyAction.Cascade,
        "SET NULL" => ForeignKeyAction.SetNull,
        "SET DEFAULT" => ForeignKeyAction.SetDefault,
        "RESTRICT" => ForeignKeyAction.Restrict,
        _ => ForeignKeyAction.NoAction,
    };
}

public sealed class ViewSchema
{
    public required string Database { get; init; }
    public required string Name { get; init; }
    /// <summary>The SELECT statement of the view as the source reports it.</summary>
    public required string Definition { get; init; }
    public string? CheckOption { get; init; }
    /// <summary>DEFINER or INVOKER as the source reports it; null when unknown.</summary>
    public string? SecurityType { get; init; }
    public string QualifiedName => $"{Database}.{Name}";
}
