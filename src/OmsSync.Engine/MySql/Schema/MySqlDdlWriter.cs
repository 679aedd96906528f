using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>
/// Writes DDL for a MySQL-family target from schemas read by <see cref="MySqlSchemaReader"/>: CREATE DATABASE,
/// CREATE TABLE (renamed, with a column subset, with or without secondary indexes), the ALTER TABLE
/// statements that add the secondary indexes later, and CREATE VIEW with its references renamed.
/// </summary>
public static class MySqlDdlWriter
{
    private static readonly HashSet<string> CharacterTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set",
    };

    /// <summary>Non-unique indexes: ordinary, FULLTEXT and SPATIAL. They may be built after the rows are in.</summary>
    public static bool IsSecondary(IndexSchema index) => index.Kind is IndexKind.Secondary or IndexKind.FullText or IndexKind.Spatial;

    public static string CreateDatabase(DatabaseSchema source, string? targetName = null)
    {
        var sb = new StringBuilder("CREATE DATABASE IF NOT EXISTS ").Append(MySqlSyntax.QuoteIdentifier(targetName ?? source.Name));
        if (!string.IsNullOrEmpty(source.Charset)) sb.Append(" DEFAULT CHARACTER SET ").Append(source.Charset);
        if (!string.IsNullOrEmpty(source.Collation)) sb.Append(" COLLATE ").Append(source.Collation);
        return sb.ToString();
    }

    public static string CreateTable(TableSchema table, CreateTableOptions? options = null)
    {
        options ??= new CreateTableOptions();
        var shape = TargetSchema.For(table, options);
        var sb = new StringBuilder("CREATE TABLE ");
        if (options.IfNotExists) sb.Append("IF NOT EXISTS ");
        sb.Append(TargetName(shape)).Append(" (\n");
        var lines = new List<string>();
        var versioning = options.VersioningDeferred ? null : shape.Versioning;
        foreach (var column in shape.Columns)
        {
            var check = shape.Checks.FirstOrDefault(c => c.Column is not null && string.Equals(c.Column, column.Name, StringComparison.OrdinalIgnoreCase));
            if (shape.Versioning is { } period && period.IsPeriodColumn(column.Name))
            {
                if (versioning is null) lines.Add("  " + ColumnDefinition(PlainPeriodColumn(column, period)));
                else if (!versioning.Implicit) lines.Add("  " + PeriodColumnDefinition(column, versioning));
                continue;
            }
            lines.Add("  " + ColumnDefinition(column, check, versioned: versioning is not null));
        }
        foreach (var index in shape.Indexes)
        {
            if (!options.IncludeSecondaryIndexes && IsSecondary(index)) continue;
            lines.Add("  " + IndexDefinition(versioning is { Implicit: true } ? WithoutColumn(index, versioning.RowEnd) : index, table.Engine));
        }
        foreach (var check in shape.Checks.Where(c => c.Column is null))
            lines.Add($"  CONSTRAINT {MySqlSyntax.QuoteIdentifier(check.Name)} CHECK ({check.Expression})");
        if (versioning is { Implicit: false })
            lines.Add($"  PERIOD FOR SYSTEM_TIME ({MySqlSyntax.QuoteIdentifier(versioning.RowStart)}, {MySqlSyntax.QuoteIdentifier(versioning.RowEnd)})");
        sb.Append(string.Join(",\n", lines)).Append("\n)");

        if (!string.IsNullOrEmpty(table.Engine)) sb.Append(" ENGINE=").Append(table.Engine);
        if (table.AutoIncrement is > 1 && shape.Columns.Any(c => c.AutoIncrement)) sb.Append(" AUTO_INCREMENT=").Append(table.AutoIncrement.Value);
        var charset = table.Charset ?? MySqlSchemaReader.CharsetOfCollation(table.Collation);
        if (!string.IsNullOrEmpty(charset)) sb.Append(" DEFAULT CHARSET=").Append(charset);
        if (!string.IsNullOrEmpty(table.Collation)) sb.Append(" COLLATE=").Append(table.Collation);
        if (!string.IsNullOrEmpty(table.Comment)) sb.Append(" COMMENT=").Append(MySqlSyntax.QuoteString(table.Comment));
        if (versioning is not null) sb.Append(" WITH SYSTEM VERSIONING");
        // Partitioning by SYSTEM_TIME needs versioning: the deferred form leaves the table unpartitioned until then.
        var extra = shape.Versioning is not null && versioning is null && SystemVersioningText.PartitionsBySystemTime(table.ExtraOptions)
            ? SystemVersioningText.WithoutPartitioning(table.ExtraOptions)
            : table.ExtraOptions;
        if (!string.IsNullOrEmpty(extra)) sb.Append(' ').Append(extra);
        return sb.ToString();
    }

    /// <summary>A period column while versioning waits for cut-over: an ordinary column with a default (an invisible NOT NULL column needs one).</summary>
    private static ColumnSchema PlainPeriodColumn(ColumnSchema column, SystemVersioning period) => new()
    {
        Name = column.Name, Ordinal = column.Ordinal, DataType = column.DataType, ColumnType = column.ColumnType, Nullable = false,
        Invisible = column.Invisible, Comment = column.Comment,
        DefaultSql = period.TransactionPrecise ? "0"
            : string.Equals(column.Name, period.RowEnd, StringComparison.OrdinalIgnoreCase) ? "'2038-01-01 00:00:00'" : "'2000-01-01 00:00:00'",
    };

    private static string PeriodColumnDefinition(ColumnSchema column, SystemVersioning period)
    {
        var sb = new StringBuilder(MySqlSyntax.QuoteIdentifier(column.Name)).Append(' ').Append(column.ColumnType)
            .Append(" GENERATED ALWAYS AS ROW ").Append(string.Equals(column.Name, period.RowStart, StringComparison.OrdinalIgnoreCase) ? "START" : "END");
        if (column.Invisible) sb.Append(" INVISIBLE");
        if (!string.IsNullOrEmpty(column.Comment)) sb.Append(" COMMENT ").Append(MySqlSyntax.QuoteString(column.Comment));
        return sb.ToString();
    }

    private static IndexSchema WithoutColumn(IndexSchema index, string column) => new()
    {
        Name = index.Name, Kind = index.Kind, Method = index.Method, Comment = index.Comment,
        Columns = index.Columns.Where(c => !string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)).ToList(),
    };

    /// <summary>
    /// One ALTER TABLE ... ADD KEY statement per secondary index (ordinary, FULLTEXT, SPATIAL) that
    /// <see cref="CreateTable"/> leaves out when <see cref="CreateTableOptions.IncludeSecondaryIndexes"/> is false.
    /// Indexes on columns outside the column subset are left out, as CREATE TABLE leaves them out.
    /// </summary>
    public static IReadOnlyList<string> AddSecondaryIndexes(TableSchema table, CreateTableOptions? options = null)
    {
        options ??= new CreateTableOptions();
        var shape = TargetSchema.For(table, options);
        var target = TargetName(shape);
        return shape.Indexes.Where(IsSecondary)
            .Select(i => $"ALTER TABLE {target} ADD {IndexDefinition(i, table.Engine)}")
            .ToList();
    }

    /// <summary>ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY, referencing the parent under its target name.</summary>
    public static string AddForeignKey(string database, string table, ForeignKeySchema fk, string parentDatabase, string parentTable) =>
        $"ALTER TABLE {MySqlSyntax.QuoteQualified(database, table)} ADD CONSTRAINT {MySqlSyntax.QuoteIdentifier(fk.Name)} " +
        $"FOREIGN KEY ({string.Join(", ", fk.Columns.Select(MySqlSyntax.QuoteIdentifier))}) " +
        $"REFERENCES {MySqlSyntax.QuoteQualified(parentDatabase, parentTable)} ({string.Join(", ", fk.ReferencedColumns.Select(MySqlSyntax.QuoteIdentifier))}) " +
        $"ON DELETE {ForeignKeySchema.Sql(fk.OnDelete)} ON UPDATE {ForeignKeySchema.Sql(fk.OnUpdate)}";

    /// <summary>ALTER TABLE ... ADD COLUMN for one column, e.g. to tell a user how to repair a target table.</summary>
    public static string AddColumn(string database, string table, ColumnSchema column) =>
        $"ALTER TABLE {MySqlSyntax.QuoteQualified(database, table)} ADD COLUMN {ColumnDefinition(column)}";

    /// <summary>
    /// CREATE VIEW under the target name, with every reference to a renamed table or view rewritten through
    /// <paramref name="rename"/> (source name in, target name out, null for no change).
    /// </summary>
    /// <param name="renameRoutine">The target name of a stored function the view calls by a qualified name, when renamed.</param>
    public static string CreateView(ViewSchema view, string targetDatabase, string targetName,
        Func<TableReference, TableReference?>? rename = null, bool orReplace = false, Func<TableReference, TableReference?>? renameRoutine = null)
    {
        var definition = rename is null ? view.Definition : ViewDefinitions.Rewrite(view.Definition, view.Database, rename, renameRoutine);
        var sb = new StringBuilder("CREATE ");
        if (orReplace) sb.Append("OR REPLACE ");
        if (view.SecurityType is "DEFINER" or "INVOKER") sb.Append("SQL SECURITY ").Append(view.SecurityType).Append(' ');
        sb.Append("VIEW ").Append(MySqlSyntax.QuoteQualified(targetDatabase, targetName)).Append(" AS ").Append(definition.Trim());
        if (view.CheckOption is "CASCADED" or "LOCAL") sb.Append(" WITH ").Append(view.CheckOption).Append(" CHECK OPTION");
        return sb.ToString();
    }

    /// <summary>`name` type [CHARACTER SET .. COLLATE ..] [GENERATED ALWAYS AS (..) ..] [NOT NULL|NULL] [DEFAULT ..] [ON UPDATE ..] [AUTO_INCREMENT] [INVISIBLE] [COMMENT ..].</summary>
    /// <param name="versioned">The column is written into a system-versioned table, where WITHOUT SYSTEM VERSIONING means something.</param>
    public static string ColumnDefinition(ColumnSchema column, CheckConstraint? columnCheck = null, bool versioned = false)
    {
        var sb = new StringBuilder(MySqlSyntax.QuoteIdentifier(column.Name)).Append(' ').Append(column.ColumnType);
        if (CharacterTypes.Contains(column.DataType))
        {
            if (!string.IsNullOrEmpty(column.Charset)) sb.Append(" CHARACTER SET ").Append(column.Charset);
            if (!string.IsNullOrEmpty(column.Collation)) sb.Append(" COLLATE ").Append(column.Collation);
        }
        if (column.IsGenerated)
        {
            sb.Append(" GENERATED ALWAYS AS (").Append(column.GenerationExpression).Append(')')
              .Append(column.GeneratedStored ? " STORED" : " VIRTUAL");
            if (!column.Nullable) sb.Append(" NOT NULL");
        }
        else
        {
            sb.Append(column.Nullable ? " NULL" : " NOT NULL");
            // DEFAULT NULL is what a nullable column has anyway, and not every server takes it on every type.
            if (column.DefaultSql is { } def && !(column.Nullable && def.Equals("NULL", StringComparison.OrdinalIgnoreCase)))
                sb.Append(" DEFAULT ").Append(def);
            if (column.OnUpdateSql is { } onUpdate) sb.Append(" ON UPDATE ").Append(onUpdate);
            if (column.AutoIncrement) sb.Append(" AUTO_INCREMENT");
        }
        if (column.Invisible) sb.Append(" INVISIBLE");
        if (versioned && column.WithoutVersioning) sb.Append(" WITHOUT SYSTEM VERSIONING");
        if (!string.IsNullOrEmpty(column.Comment)) sb.Append(" COMMENT ").Append(MySqlSyntax.QuoteString(column.Comment));
        if (columnCheck is not null) sb.Append(" CHECK (").Append(columnCheck.Expression).Append(')');
        return sb.ToString();
    }

    public static string IndexDefinition(IndexSchema index, string? engine = null)
    {
        var sb = new StringBuilder();
        sb.Append(index.Kind switch
        {
            IndexKind.Primary => "PRIMARY KEY",
            IndexKind.Unique => "UNIQUE KEY " + MySqlSyntax.QuoteIdentifier(index.Name),
            IndexKind.FullText => "FULLTEXT KEY " + MySqlSyntax.QuoteIdentifier(index.Name),
            IndexKind.Spatial => "SPATIAL KEY " + MySqlSyntax.QuoteIdentifier(index.Name),
            _ => "KEY " + MySqlSyntax.QuoteIdentifier(index.Name),
        });
        sb.Append(" (").Append(string.Join(",", index.Columns.Select(c =>
            MySqlSyntax.QuoteIdentifier(c.Name) + (c.PrefixLength is { } p ? $"({p})" : "") + (c.Descending ? " DESC" : "")))).Append(')');
        // Write the method only where it differs from the engine's default, so the target reports the same DDL.
        var memory = string.Equals(engine, "MEMORY", StringComparison.OrdinalIgnoreCase);
        if (index.Method == "HASH" && !memory) sb.Append(" USING HASH");
        else if (index.Method == "BTREE" && memory) sb.Append(" USING BTREE");
        if (!string.IsNullOrEmpty(index.Comment)) sb.Append(" COMMENT ").Append(MySqlSyntax.QuoteString(index.Comment));
        return sb.ToString();
    }

    private static string TargetName(TableSchema target) => MySqlSyntax.QuoteQualified(target.Database, target.Name);
}
